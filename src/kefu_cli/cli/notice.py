"""`kefu notice …`: written notices (告知书) from Word templates (services/notices.py).

    kefu notice ID --type acceptance                     # preview in the terminal
    kefu notice ID --type acceptance --out 受理.docx      # the Word file
    kefu notice ID --type acceptance --issue --via letter # the file, and the issue recorded
    kefu notice ID --type decision --issue --via sms --proof SMS-1  # with its proof of telling
    kefu notice list [ID] [--unproven]                    # the notices issued (cli/notice_list.py)
    kefu notice batch --due-within 3 --out 今日告知书
    kefu notice templates export DIR  /  kefu notice templates check [DIR]

`kefu notice ID …` is `kefu notice make ID …`: the group passes anything that is not one of
its subcommands to `make`.
"""

from __future__ import annotations

from typing import Annotated

import typer
from typer.core import TyperGroup

from .common import AtOpt, BranchOpt, ClerkOpt, JsonOpt, at_value, date_value, int_value, state
from .notice_list import list_

DEFAULT_COMMAND = "make"
RecipientOpt = Annotated[
    str | None,
    typer.Option("--recipient", help="监管报告: 报告对象,例如 国家金融监督管理总局北京监管局(默认“监管部门”)"),
]
BATCH_WITHIN_MAX = 250  # working days: about a year


class NoticeGroup(TyperGroup):
    """`kefu notice ID --type T` runs `make`: a first argument that is not a subcommand (or help)
    is the case number."""

    def parse_args(self, ctx, args):
        if args and args[0] not in self.commands and args[0] not in ctx.help_option_names:
            args = [DEFAULT_COMMAND, *args]
        return super().parse_args(ctx, args)


app = typer.Typer(
    cls=NoticeGroup,
    help="告知书: 按模板生成补正、受理、不予受理、转办、延期、中止、处理决定、复核决定、监管报告告知书并登记发出\n\n"
    "kefu notice 投诉编号 --type 类型 即 kefu notice make …: 不加 --out 在屏幕上预览;--out 文件.docx 生成 Word 文件;"
    "--issue 生成文件并登记发出(记录文件的 SHA-256)。模板可导出后在 Word 中修改(notice templates export),"
    "用 KEFU_TEMPLATES 或 --templates 目录 指定。",
    no_args_is_help=True,
)
templates_app = typer.Typer(help="告知书模板: 导出供 Word 编辑、检查修改后的模板", no_args_is_help=True)
app.add_typer(templates_app, name="templates")
app.command("list")(list_)  # cli/notice_list.py (light: its services are imported when it runs)

TYPES_HELP = (
    "告知书类型: supplement 补正材料、acceptance 受理、rejection 不予受理、transfer 转办、extension 延期、"
    "pause 中止、decision 处理决定、review_decision 复核决定、regulator_report 监管转办情况报告(也可写中文,如 受理)"
)
TemplatesOpt = Annotated[
    str | None,
    typer.Option(
        "--templates", help="模板目录(由 notice templates export 导出后修改),默认环境变量 KEFU_TEMPLATES,否则内置模板"
    ),
]


def _warn(lines: list[str]) -> None:
    from ..render.output import message

    for line in dict.fromkeys(lines):
        message(f"注意: {line}", style="yellow")


def _due_text(notice_type: str, deadline: dict) -> str:
    """Which limit the written notice is measured against, and whether it went out within it."""
    from ..domain.notices import answered_limit_zh

    what = answered_limit_zh(notice_type)
    if deadline["due"] is None:
        return f"{what}: 无期限记录"
    state = "在期限内" if deadline["on_time"] else "晚于期限"
    return f"{what} {deadline['due']:%Y-%m-%d},书面告知{state}"


@app.command(DEFAULT_COMMAND)
def make(
    complaint_id: Annotated[str, typer.Argument(help="投诉编号,例如 TS-20261009-0001")],
    type_: Annotated[str, typer.Option("--type", "-t", help=TYPES_HELP)],
    out: Annotated[str | None, typer.Option("--out", "-o", help="写出 Word 文件(.docx);不加则在屏幕上预览")] = None,
    issue: Annotated[
        bool,
        typer.Option(
            "--issue",
            help="登记发出: 生成文件(未给 --out 时为当前目录下的 编号-类型.docx)并记入办理记录(含文件 SHA-256);"
            "发出补正材料通知书即完成“告知补充材料”期限,发出监管报告即完成监管报告期限",
        ),
    ] = False,
    via: Annotated[
        str | None,
        typer.Option(
            "--via",
            help="发出方式(与 --issue 一起): letter 信函(默认)、email 电子邮件、sms 短信、phone 电话、in_person 当面送达",
        ),
    ] = None,
    proof: Annotated[
        str | None,
        typer.Option(
            "--proof",
            help="告知的凭证(与 --issue 一起,办法第二十一条): 信函的邮件号、电子邮件或短信的发送记录编号、电话的录音编号、"
            "当面送达的签收回执编号;不写则记为“无凭证”",
        ),
    ] = None,
    materials: Annotated[
        str | None,
        typer.Option("--materials", help='补正材料通知书: 需要补充的材料,例如 "授权委托书原件、受托人身份证复印件"'),
    ] = None,
    reason: Annotated[
        str | None,
        typer.Option(
            "--reason",
            help="延期告知书: 延期理由(默认按延期级别写“情况复杂,需要进一步调查核实”);与 --reissue 一起: 补发的原因",
        ),
    ] = None,
    reissue: Annotated[
        bool,
        typer.Option(
            "--reissue",
            help="补发案件已经过去的那一步的告知书(如恢复或决定后的中止告知书、决定后的受理通知书),须用 --reason 写明原因",
        ),
    ] = False,
    note_for_customer: Annotated[
        bool,
        typer.Option(
            "--note-for-customer",
            help="不予受理通知书: 把登记不予受理时的备注(--note)写进告知书;默认备注只留在内部记录",
        ),
    ] = False,
    recipient: RecipientOpt = None,
    templates: TemplatesOpt = None,
    json: JsonOpt = False,
    at: AtOpt = None,
    clerk: ClerkOpt = None,
) -> None:
    """(默认命令,可省略 make)按模板生成一件投诉的告知书: 预览、写出 Word 文件,或登记发出。

    告知书必须与案件状态相符: 受理通知书要先 accept,不予受理通知书要先 reject,处理决定告知书要先 decide……;
    案件已经过去的那一步(恢复后的中止告知书、决定后的受理通知书)只能用 --reissue --reason 补发。
    机构的全称、地址、客服电话取自机构名单(kefu branch add),经办人是案件的处理人(未指定时写“本公司客服柜面”);
    缺少其中任何一项时可以预览和生成,但不能登记发出。
    """
    r = None
    if not out and not issue and at is None:  # a preview: plain sqlite3 on a current SQLite file
        from ..services.notice_fill import quick_preview

        r = quick_preview(state.db, complaint_id, type_, via=via, proof=proof, materials=materials, reason=reason, recipient=recipient,
                          templates=templates, clerk=clerk, reissue=reissue, note_for_customer=note_for_customer)  # fmt: skip
    if r is None:
        r = _make(complaint_id, type_, out=out, issue=issue, via=via, proof=proof, materials=materials, reason=reason,
                  recipient=recipient, templates=templates, clerk=clerk, at=at, reissue=reissue,
                  note_for_customer=note_for_customer)  # fmt: skip
    _print(r, json)


def _make(complaint_id: str, type_: str, *, at, **options) -> dict:
    from ..services import notices

    return notices.make(state.db, complaint_id, type_, at=at_value(at), **options)


def _print(r: dict, json: bool) -> None:
    if json:
        from ..render.output import print_json

        _warn(r["warnings"])
        print_json(r)
        return
    from ..domain.notices import proof_text
    from ..render.output import message, print_lines

    if r["issued"]:
        lines = [
            f"已发出{r['label']}: 投诉 {r['id']}({proof_text(r)},{r['at']:%Y-%m-%d %H:%M},操作人 {r['clerk']})",
            f"文件: {r['file']}",
            f"SHA-256: {r['sha256']}",
            _due_text(r["type"], r["deadline"]),
        ]
        if r["step"] == "notify":
            lines.append("同时记录了“告知补充材料”: 告知补充材料期限已完成")
        elif r["step"] == "regulator_report":
            lines.append("同时记录了“向监管报告”: 监管报告期限已完成")
        if r["reissue"]:
            lines.append(f"补发: {r['reissue']}")
        if r["issued_before"]:
            prev = r["issued_before"][-1]
            lines.append(
                f"此前已于 {prev['at']:%Y-%m-%d %H:%M} 发出过同类告知书(共 {len(r['issued_before'])} 次),本次为再次发出"
            )
        print_lines(lines)
    elif r["file"]:
        print_lines([f"已生成{r['label']}(未登记发出): {r['file']}", f"SHA-256: {r['sha256']}"])
        if r["issued_before"]:
            prev = r["issued_before"][-1]
            same = "(与本文件相同)" if prev["sha256"] == r["sha256"] else ""
            message(f"此{r['label']}已于 {prev['at']:%Y-%m-%d %H:%M} 登记发出{same}")
        else:
            message(
                f"寄出后请登记: kefu notice {r['id']} --type {r['label']} --issue --via 信函"
                "(同一天按同一内容生成的文件,SHA-256 相同)"
            )
    else:
        print_lines(r["text"].splitlines())
        message(f"以上为预览,未写入任何文件。生成 Word 文件: --out {r['id']}-{r['type']}.docx;登记发出: --issue")
    _warn(r["warnings"])


@app.command("batch")
def batch(
    out: Annotated[
        str, typer.Option("--out", "-o", help="输出目录(不存在则创建),每件投诉每种告知书一个文件: 编号-类型.docx")
    ],
    due_within: Annotated[
        int, typer.Option("--due-within", help="期限在几个工作日内到期(含今天到期和已逾期的),例如 3")
    ] = 3,
    as_of: Annotated[str | None, typer.Option("--as-of", help="以哪一天为准(告知书日期),默认今天")] = None,
    since: Annotated[
        str | None,
        typer.Option("--since", help="只看在此日及以后到期的期限(初次使用时略过早已办结的旧案件),例如 2026-11-01"),
    ] = None,
    branch: BranchOpt = None,
    recipient: RecipientOpt = None,
    templates: TemplatesOpt = None,
    json: JsonOpt = False,
) -> None:
    """一次生成当天要发的告知书: 已办理(受理、不予受理、转办、延期、中止、处理决定)但尚未登记发出告知书、
    且相应期限在 N 个工作日内到期(含已逾期)的投诉,以及期限临近的监管报告;只生成文件,不登记发出。

    补正材料通知书列出投诉上登记的缺少材料(complaint add/materials --missing);未登记清单的不能批量生成,
    表中列为“跳过”并给出登记或单独生成的命令。
    """
    from ..services import notices

    n = int_value(due_within, "--due-within", 0, BATCH_WITHIN_MAX, 3)
    r = notices.batch(
        state.db,
        due_within=n,
        out_dir=out,
        as_of=date_value(as_of, "--as-of"),
        since=date_value(since, "--since"),
        branch=branch,
        templates=templates,
        recipient=recipient,
    )
    _warn(r["warnings"])
    if json:
        from ..render.output import print_json

        print_json(r)
        return
    from pathlib import Path

    from ..render.output import print_lines, print_table

    window = f" {r['within']} 个工作日内到期" if r["within"] else "今天到期"
    if not r["items"]:
        since = f"(只看 {r['since']} 及以后到期的)" if r["since"] else ""
        print_lines([f"截至 {r['as_of']},没有{window}或已逾期、尚未发出的告知书{since}。"])
        return

    def left(i) -> str:
        n = i["working_days_left"]
        if n is None:
            return "-"
        return f"逾期 {-n} 个工作日" if n < 0 else ("今天到期" if n == 0 else f"{n} 个工作日")

    print_table(
        f"告知书 截至 {r['as_of']}({window.strip()}或已逾期)",
        ["投诉", "告知书", "机构", "经办人", "到期日", "剩余", "文件 / 跳过原因"],
        [
            [
                i["case_id"],
                i["label"],
                i["branch"] or "-",
                i["handler"] or "-",
                str(i["due"] or "-"),
                left(i),
                Path(i["file"]).name if i["file"] else f"跳过: {i['skipped']}",
            ]
            for i in r["items"]
        ],  # fmt: skip
    )
    print_lines([f"已写入 {r['written']} 份到 {r['out_dir']}" + (f";跳过 {r['skipped']} 份" if r["skipped"] else "")])
    _warn([w for i in r["items"] if i["file"] for w in i["warnings"]])


@templates_app.command("export")
def templates_export(
    folder: Annotated[str, typer.Argument(help="导出到的目录(不存在则创建),例如 告知书模板")],
    force: Annotated[bool, typer.Option("--force", help="覆盖目录中已有的模板文件")] = False,
    json: JsonOpt = False,
) -> None:
    """导出内置模板(每种告知书一个 .docx)和 字段说明.txt,供管理员在 Word 中修改。

    修改后用 `kefu notice templates check 目录` 检查,再设置 KEFU_TEMPLATES=目录(或命令中加 --templates 目录)使用。
    """
    from ..services.notice_templates import export_templates

    r = export_templates(folder, force=force)
    if json:
        from ..render.output import print_json

        print_json(r)
        return
    from ..render.output import print_lines

    print_lines(
        [
            f"已导出 {len(r['files']) - 1} 个模板和字段说明到 {r['folder']}",
            f"在 Word 中修改后检查: kefu notice templates check {r['folder']}",
            f"使用: 设置环境变量 KEFU_TEMPLATES={r['folder']},或在命令中加 --templates {r['folder']}",
        ]
    )


@templates_app.command("check")
def templates_check(
    folder: Annotated[str | None, typer.Argument(help="模板目录,默认 KEFU_TEMPLATES,否则检查内置模板")] = None,
    json: JsonOpt = False,
) -> None:
    """检查模板: 字段是否都是 kefu 提供的、必需字段是否都在、占位符写法是否正确(试生成一份)。有问题时退出码 2。"""
    from ..services.notice_templates import check_templates

    r = check_templates(folder)
    if json:
        from ..render.output import print_json

        print_json(r)
    else:
        from ..render.output import print_lines, print_table

        print_table(
            f"告知书模板检查({r['folder'] or '内置模板'})",
            ["类型", "告知书", "模板", "结果"],
            [[i["type"], i["label"], i["template"], "正常" if i["ok"] else i["problem"]] for i in r["items"]],
        )
        print_lines(["全部模板可以使用。" if r["ok"] else "有模板不能使用,见上表;改正前 kefu 会拒绝用它生成告知书。"])
    if not r["ok"]:
        raise typer.Exit(2)
