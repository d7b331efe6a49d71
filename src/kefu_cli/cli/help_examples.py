"""The 示例 (examples) section at the end of every command's help: one or two lines each, that
work when typed as shown (tests/test_help.py parses every one of them with the command itself,
and runs those that only read on a copy of the demo database).

Keyed by the command's path below `kefu` ("" is `kefu` itself). A new command adds its lines here.
An example too long for 80 columns goes on with a shell continuation: "… \\\n  --phone …".
"""

from __future__ import annotations

EXAMPLES: dict[str, tuple[str, ...]] = {
    "": ("kefu search 张三", "kefu report deadlines --overdue"),
    "demo": ("kefu demo --to ./演示.sqlite",),
    "search": ("kefu search 张三", "kefu search 5678 --limit 10"),
    # complaints
    "complaint": ("kefu complaint list --overdue", "kefu complaint show TS-20261119-0001"),
    "complaint add": (
        "kefu complaint add --channel 电话 --category 理赔 --name 张三 \\\n  --phone 13812345678 --dispute 理赔纠纷 --line 医疗保险",
        "kefu complaint add --channel phone --category claims --name 张三 \\\n  --phone 13812345678 --received '昨天 14:00'",
    ),
    "complaint materials": (
        "kefu complaint materials TS-20261118-0001 --complete",
        'kefu complaint materials TS-20261118-0001 --missing "委托书、身份证复印件"',
    ),
    "complaint notify": ("kefu complaint notify TS-20261119-0001",),
    "complaint investigate": ("kefu complaint investigate TS-20261119-0001",),
    "complaint accept": (
        "kefu complaint accept TS-20261119-0001",
        "kefu complaint accept TS-20261119-0001 --at 今天9:30",
    ),
    "complaint reject": ("kefu complaint reject TS-20261113-0001 --reason '重复(处理中)'",),
    "complaint transfer": ("kefu complaint transfer TS-20261113-0001 --to 中国银行朝阳支行",),
    "complaint merge": ("kefu complaint merge TS-20261119-0001 --into TS-20261105-0001",),
    "complaint extend": ("kefu complaint extend TS-20261105-0001 --level complex",),
    "complaint pause": (
        "kefu complaint pause TS-20261105-0001 --reason 伤残鉴定",
        "kefu complaint pause TS-20261105-0001 --kind 调解 --reason 双方同意调解",
    ),
    "complaint resume": ("kefu complaint resume TS-20261103-0001",),
    "complaint review": ("kefu complaint review TS-20261026-0001 --received 2026-11-20T10:00",),
    "complaint review-decide": ("kefu complaint review-decide TS-20261026-0001 --result 维持",),
    "complaint rectify": (
        "kefu complaint rectify TS-20261026-0001 --action 修订理赔时效考核办法 \\\n  --owner 理赔部王强 --due 2027-01-29",
    ),
    "complaint rectified": ("kefu complaint rectified TS-20261026-0001 --note 已完成培训",),
    "complaint major": ("kefu complaint major TS-20261119-0001 --reason 媒体",),
    "complaint escalate": ("kefu complaint escalate TS-20261119-0001 --to 投诉应急处理领导小组",),
    # who is typing
    "config": ("kefu config set clerk 李娜", "kefu config list"),
    "config set": ("kefu config set clerk 李娜", "kefu config set branch 朝阳支公司"),
    "config get": ("kefu config get clerk",),
    "config unset": ("kefu config unset branch",),
    "config list": ("kefu config list",),
    "whoami": ("kefu whoami", "kefu whoami --json"),
    "today": ("kefu today --handler 李娜", "kefu today --clerk 李娜 --as-of 2026-11-20"),
    "complaint decide": (
        "kefu complaint decide TS-20261105-0001 --result 同意补付医疗费",
        "kefu complaint decide TS-20261105-0001 --result 同意补付 --cause 理赔服务",
    ),
    "complaint withdraw": ("kefu complaint withdraw TS-20261105-0001",),
    "complaint regulator-report": ("kefu complaint regulator-report TS-20261020-0001",),
    "complaint show": ("kefu complaint show TS-20261119-0001",),
    "complaint list": (
        "kefu complaint list --status 已受理(处理中)",
        "kefu complaint list --overdue --branch 朝阳支公司",
    ),
    "complaint edit": ("kefu complaint edit TS-20261119-0001 --phone 13912345678 --reason 电话录错",),
    "complaint undo": ("kefu complaint undo TS-20261119-0001 --reason 误操作",),
    "complaint note": ("kefu complaint note TS-20261119-0001 客户来电询问进度 --contact 电话",),
    "complaint assign": ("kefu complaint assign TS-20261119-0001 --handler 李娜",),
    "complaint void": ("kefu complaint void TS-20261119-0001 --reason 重复登记",),
    # callbacks
    "callback": ("kefu callback list --next", "kefu callback show HF-20261020-0001"),
    "callback add": (
        "kefu callback add --kind 投诉处理 --complaint TS-20261009-0001",
        "kefu callback add --kind 满意度 --name 张三 --phone 13812345678 \\\n  --due 2026-12-15",
    ),
    "callback attempt": ("kefu callback attempt HF-20261020-0001 --method 电话 --result 成功",),
    "callback unreachable": ("kefu callback unreachable HF-20261020-0001 --reason 电话空号且信函被退回",),
    "callback cancel": ("kefu callback cancel HF-20261020-0001 --reason 客户已退保",),
    "callback resolve": ("kefu callback resolve HF-20261020-0001 --reply 已核实并由投保人重新签名",),
    "callback show": ("kefu callback show HF-20261020-0001",),
    "callback list": ("kefu callback list --status 待回访", "kefu callback list --next"),
    "callback stats": ("kefu callback stats --from 2026-10-01 --to 2026-10-31",),
    "callback reschedule": ("kefu callback reschedule HF-20261020-0001 --to 2026-12-04T10:00 --reason 改约",),
    "callback edit": ("kefu callback edit HF-20261020-0001 --phone 13912345678 --reason 电话录错",),
    "callback undo": ("kefu callback undo HF-20261020-0001 --reason 误操作",),
    "callback note": ("kefu callback note HF-20261020-0001 客户要求下午回电",),
    "callback assign": ("kefu callback assign HF-20261020-0001 --handler 李娜",),
    "callback void": ("kefu callback void HF-20261020-0001 --reason 重复登记",),
    # claims
    "claim": ("kefu claim list --overdue", "kefu claim show BA-20261119-0001"),
    "claim report": (
        "kefu claim report --incident 昨天18:30 --reporter 张三 \\\n  --reporter-phone 13812345678",
        "kefu claim report --incident 2026-11-19 --reporter 张三 \\\n  --reporter-phone 13812345678 --policy P2026010505",
    ),
    "claim major": ("kefu claim major BA-20261119-0001 --estimate 60万",),
    "claim escalate": ("kefu claim escalate BA-20261119-0001 --to 总公司理赔部",),
    "claim apply": ("kefu claim apply BA-20261119-0001 --type 医疗 --received 理赔申请书",),
    "claim materials": ("kefu claim materials BA-20261119-0001 --received 保费收据",),
    "claim checklist": ("kefu claim checklist --type death --type accident",),
    "claim handover": ("kefu claim handover BA-20261116-0001",),
    "claim close": ("kefu claim close BA-20261116-0001 --result 赔付 --amount 12000",),
    "claim edit": ("kefu claim edit BA-20261119-0001 --reporter-phone 13912345678 \\\n  --reason 电话录错",),
    "claim show": ("kefu claim show BA-20261119-0001",),
    "claim list": ("kefu claim list --status 待补充材料", "kefu claim list --overdue"),
    "claim undo": ("kefu claim undo BA-20261119-0001 --reason 误操作",),
    "claim note": ("kefu claim note BA-20261119-0001 客户补交了发票",),
    "claim assign": ("kefu claim assign BA-20261119-0001 --handler 李娜",),
    "claim void": ("kefu claim void BA-20261119-0001 --reason 重复登记",),
    # service requests
    "request": ("kefu request list --status 待办理", "kefu request show SQ-20261120-0001"),
    "request add": (
        "kefu request add --type 退保 --policy P2026010505 --reason 经济困难",
        "kefu request add --type 批改 --policy P2026010505 --content 变更联系地址",
    ),
    "request close": ("kefu request close SQ-20261120-0001 --result 已办结",),
    "request show": ("kefu request show SQ-20261120-0001",),
    "request list": ("kefu request list --type 退保", "kefu request list --status 待办理"),
    "request edit": ("kefu request edit SQ-20261120-0001 --phone 13912345678 --reason 电话录错",),
    "request undo": ("kefu request undo SQ-20261120-0001 --reason 误操作",),
    "request note": ("kefu request note SQ-20261120-0001 客户来电催办",),
    "request assign": ("kefu request assign SQ-20261120-0001 --handler 李娜",),
    "request void": ("kefu request void SQ-20261120-0001 --reason 重复登记",),
    # the policy register
    "policy-register": ("kefu policy-register list --name 王", "kefu policy-register show P2026010505"),
    "policy-register add": ("kefu policy-register add --policy P2026120001 --product 终身寿险 --holder 王五",),
    "policy-register show": ("kefu policy-register show P2026010505",),
    "policy-register list": ("kefu policy-register list --line 人寿保险",),
    # reports, files
    "report": ("kefu report deadlines", "kefu report stats --from 2026-11-01 --to 2026-11-30"),
    "report deadlines": ("kefu report deadlines --overdue", "kefu report deadlines --as-of 2026-11-23 --within 3"),
    "report stats": ("kefu report stats --from 2026-11-01 --to 2026-11-30",),
    "report regulator": (
        "kefu report regulator --quarter 2026Q4 --company-type 寿险 --premium 6亿 \\\n  --policies 40000 --insured 50000",
        "kefu report regulator --quarter 2026Q3 --company-type property \\\n  --premium 60000万 --policies 4万 -o 监管口径.xlsx",
    ),
    "report annual": ("kefu report annual --year 2026", "kefu report annual --year 2026 -o 2026年报.xlsx"),
    "import": ("kefu import complaints ./投诉登记表.xlsx --dry-run",),
    "import complaints": ("kefu import complaints ./投诉登记表.xlsx --dry-run",),
    "import policies": ("kefu import policies ./新契约保单.csv --dry-run",),
    "import callbacks": ("kefu import callbacks ./回访清单.xlsx --dry-run",),
    "import claims": ("kefu import claims ./理赔报案.xlsx --dry-run",),
    "import requests": ("kefu import requests ./保全请求.csv --dry-run",),
    "export": ("kefu export complaints ./投诉-11月.xlsx --from 2026-11-01 --to 2026-11-30",),
    "export complaints": ("kefu export complaints ./投诉-11月.xlsx --from 2026-11-01 --to 2026-11-30",),
    "export callbacks": ("kefu export callbacks ./回访.csv --encoding gb18030",),
    "export deadlines": ("kefu export deadlines ./期限.xlsx --within 3",),
    "export claims": ("kefu export claims ./理赔报案-11月.xlsx --from 2026-11-01 --to 2026-11-30",),
    "export requests": ("kefu export requests ./保全请求.csv --encoding gb18030",),
    # calendar, rules, database, masters
    "workday": ("kefu workday add 2026-09-18 10", "kefu workday check 2026-10-08"),
    "workday add": ("kefu workday add 2026-09-18 10", "kefu workday add 今天 5"),
    "workday count": ("kefu workday count 2026-09-18 2026-10-09",),
    "workday check": ("kefu workday check 2026-10-08",),
    "workday import": ("kefu workday import ./2027年节假日.csv --complete-year --dry-run",),
    "workday coverage": ("kefu workday coverage",),
    "policy": ("kefu policy list",),
    "policy list": ("kefu policy list",),
    "policy set": ("kefu policy set complaint.acceptance 5",),
    "db": ("kefu db check", "kefu db backup ./备份/"),
    "db init": ("kefu db init",),
    "db check": ("kefu db check",),
    "db backup": ("kefu db backup ./备份/kefu-20261121.sqlite",),
    "db verify": ("kefu db verify",),
    "branch": ("kefu branch list",),
    "branch add": ("kefu branch add 西城支公司 --phone 010-95500",),
    "branch list": ("kefu branch list",),
    "handler": ("kefu handler list",),
    "handler add": ("kefu handler add 赵敏 --branch 朝阳支公司",),
    "handler list": ("kefu handler list --branch 朝阳支公司",),
    "handler retire": ("kefu handler retire 王强",),
    # notices
    "notice": ("kefu notice make TS-20261119-0001 --type 受理", "kefu notice batch --out ./告知书"),
    "notice make": (
        "kefu notice make TS-20261119-0001 --type 受理",
        "kefu notice make TS-20261119-0001 --type 受理 --issue --via 短信 --proof M01",
    ),
    "notice list": ("kefu notice list TS-20261009-0001", "kefu notice list --unproven"),
    "notice batch": ("kefu notice batch --out ./告知书 --due-within 3",),
    "notice templates": ("kefu notice templates export ./告知书模板",),
    "notice templates export": ("kefu notice templates export ./告知书模板",),
    "notice templates check": ("kefu notice templates check ./告知书模板",),
}


def command_key(ctx) -> str:
    """'complaint add' for the context of `kefu complaint add` (the root's own name left out)."""
    names = []
    while ctx is not None and ctx.parent is not None:
        names.append(ctx.info_name or "")
        ctx = ctx.parent
    return " ".join(reversed(names))


def examples_of(ctx) -> tuple[str, ...]:
    return EXAMPLES.get(command_key(ctx), ())
