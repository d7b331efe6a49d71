"""The columns of the spreadsheets kefu writes and reads: one header per meaning, shared by the
exports (services/exports.py writes `header`) and the imports (services/complaint_import.py,
callback_import.py read `header` and every name in `aliases`).

One vocabulary: 接收时间 is the receipt of a case (as `complaint list` and `complaint show` say),
受理 is acceptance; 经办人 is the case's handler. A header kefu wrote in an older release stays
readable: an alias, or — when the header now means something else — a `legacy` name, read as the
field only in a file that has no column for it (the complaint export called the receipt 受理时间 up
to issue 21; 受理时间 is the acceptance now).

    field(COMPLAINT, "received").header          # "接收时间"
    import_names(COMPLAINT, ("received", …))     # {"received": ("接收时间", "投诉时间", …)} for an import
    legacy_names(COMPLAINT, ("received", …))     # {"受理时间": "received"}: an old file's receipt
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .xlsxfile import DATE, DATETIME, INT, TEXT, Column


@dataclass(frozen=True, slots=True)
class Field:
    key: str  # the import's field name (English), also accepted as a header
    header: str  # the one Chinese header: exports write it, imports read it
    kind: str = TEXT  # TEXT | DATE | DATETIME | INT: the cell written, and how a read cell is turned into text
    aliases: tuple[str, ...] = ()  # other headers an import accepts: older exports, clerks' own sheets
    legacy: tuple[str, ...] = ()  # older headers that mean this field only in a file without a column for it

    @property
    def column(self) -> Column:
        return Column(self.header, self.kind)


F = Field
COMPLAINT: dict[str, Field] = {f.key: f for f in (
    F("id", "投诉编号", aliases=("number",)),
    F("received", "接收时间", DATETIME, ("投诉时间", "received_at"), legacy=("受理时间",)),  # exports before issue 21
    F("channel", "受理方式", aliases=("渠道", "投诉渠道")),
    F("category", "投诉类别", aliases=("类别",)),
    F("name", "投诉人", aliases=("姓名",)),
    F("phone", "联系电话", aliases=("电话",)),
    F("relation", "与消费者关系", aliases=("关系",)),
    F("policy", "保单号", aliases=("policy_no",)),
    F("summary", "投诉内容", aliases=("内容", "摘要")),
    F("branch", "机构"),
    F("handler", "经办人", aliases=("处理人",)),
    F("status", "状态"),
    F("complete", "材料齐全", aliases=("materials_complete",)),
    F("complete_at", "材料齐全时间", DATETIME, ("materials_complete_at",)),
    F("acceptance_decided_at", "受理决定时间", DATETIME),  # 受理、不予受理或转办的时间
    F("reject_reason", "不予受理原因"),
    F("transfer_to", "转办至", aliases=("转办去向",)),
    F("merged_into", "并入投诉", aliases=("合并入",)),
    F("extension", "延期", aliases=("延期级别", "extension_level")),
    F("decided_at", "处理决定时间", DATETIME),
    F("result", "处理结果"),
    F("withdrawn_at", "撤回时间", DATETIME),
    F("regulator_ref", "监管转办编号"),
    F("regulator_due", "监管报告期限", DATE),
    F("dispute", "纠纷类型"),  # the regulator's coding (domain/regulator.py), 监管通报口径
    F("line", "险种", aliases=("product_line",)),
    F("acceptance_due", "受理时限", DATE),
    F("decision_due", "处理时限", DATE),
    F("working_days_left", "剩余工作日", INT),
    F("overdue", "是否逾期"),
    # Every step of the case with its time and values (issue 21): `kefu import complaints` rebuilds the case
    # by replaying them (services/complaint_replay.py). A step taken more than once (中止/恢复, 延期 twice)
    # lists its times in one cell, separated by ";", and its values one a line.
    F("registered_at", "登记时间", DATETIME),
    F("notified_at", "告知补充材料时间", DATETIME),
    F("investigated_at", "初步调查时间", DATETIME),
    F("accepted_at", "受理时间", DATETIME),  # the acceptance; in a file without 接收时间, the receipt (`received`)
    F("rejected_at", "不予受理时间", DATETIME),
    F("reject_note", "不予受理说明"),
    F("transferred_at", "转办时间", DATETIME),
    F("transfer_kind", "转办类型", aliases=("transfer_internal",)),
    F("merged_at", "合并时间", DATETIME),
    F("extended_at", "延期时间", DATETIME),
    F("approver", "延期批准人", aliases=("extension_approver",)),
    F("paused_at", "中止时间", DATETIME),
    F("pause_reason", "中止原因"),
    F("resumed_at", "恢复时间", DATETIME),
    F("reported_at", "向监管报告时间", DATETIME, ("regulator_reported_at",)),
    F("voided_at", "作废时间", DATETIME),
    F("void_reason", "作废原因"),
    F("notify_note", "告知补充材料说明"),
    F("investigate_note", "初步调查说明"),
    F("merge_note", "合并说明"),
    F("withdraw_note", "撤回说明"),
    F("regulator_report_note", "向监管报告说明"),
    F("pause_kind", "中止类型"),
    F("review_received_at", "核查申请时间", DATETIME),  # the review (核查) of the decision, 2020 rule Art. 20
    F("review_decided_at", "核查决定时间", DATETIME),
    F("review_result", "核查结果"),
    # the decision's root cause and the rectification (溯源整改, 2020 rule Art. 26)
    F("cause", "根本原因"),
    F("rectify_at", "整改登记时间", DATETIME),
    F("rectify_action", "整改措施"),
    F("rectify_owner", "整改责任人"),
    F("rectify_due", "整改期限", DATE),
    F("rectified_at", "整改完成时间", DATETIME),
    # a group complaining together (Art. 12), whom it is about (Art. 17), a major complaint and its report (Art. 29)
    F("people", "投诉人数", INT, ("人数",)),
    F("representatives", "代表", aliases=("群体代表", "投诉代表")),
    F("about", "被投诉人"),
    F("major", "重大投诉", aliases=("重大投诉原因", "major_reason")),  # the reason's label; empty: not major
    F("major_at", "认定重大投诉时间", DATETIME),
    F("escalated_at", "上报应急小组时间", DATETIME),
    F("escalated_to", "上报至"),
    # the missing materials (补正材料): listed at registration, or listed again later (materials --missing)
    F("missing_registered", "登记时缺少的材料"),
    F("missing_at", "补登缺少材料时间", DATETIME),
    F("missing_listed", "补登的缺少材料"),
    # the review (核查) as recorded: when the request was entered (its receipt is 核查申请时间), the notes
    F("review_at", "核查登记时间", DATETIME),
    F("review_note", "核查申请说明"),
    F("review_decide_note", "核查意见"),
)}  # fmt: skip
# The step columns above (after the deadlines'): services/exports.py writes them from the case and its events.
COMPLAINT_STEPS = tuple(list(COMPLAINT)[list(COMPLAINT).index("registered_at") :])

CALLBACK: dict[str, Field] = {f.key: f for f in (
    F("id", "回访编号"),
    F("kind", "回访类型", aliases=("类型",)),
    F("name", "客户", aliases=("投保人", "姓名")),
    F("phone", "联系电话", aliases=("电话",)),
    F("policy", "保单号", aliases=("policy_no",)),
    F("product", "险种", aliases=("产品",)),
    F("branch", "机构"),
    F("handler", "经办人", aliases=("回访人",)),
    F("receipt_date", "回执签收日期", DATE, ("回执日期",)),
    F("cooling_off", "犹豫期天数", INT, ("犹豫期",)),
    F("closed_date", "结案日期", DATE),
    F("complaint_id", "关联投诉", aliases=("投诉编号", "complaint")),
    F("due", "回访期限", DATE),
    F("status", "状态"),
    F("outcome_method", "结束方式"),
    F("outcome_reason", "结束原因"),
    F("ended_at", "结束时间", DATETIME),
    F("created_at", "登记时间", DATETIME),
    F("working_days_left", "剩余工作日", INT),
    F("overdue", "是否逾期"),
    # Every step of the callback (issue 21): `kefu import callbacks` replays them (services/callback_import.py).
    # A step taken more than once lists its times in one cell separated by ";" and its values one a line.
    F("added_at", "安排时间", DATETIME),
    F("attempt_at", "回访时间", DATETIME),
    F("attempt_method", "回访方式"),
    F("attempt_result", "回访结果"),
    F("attempt_recording", "录音编号"),
    F("attempt_receipt", "回执"),
    F("attempt_note", "回访备注"),
    F("attempt_problem", "发现的问题"),
    F("resolved_at", "问题答复时间", DATETIME),
    F("reply", "答复内容"),
    F("rescheduled_at", "改约时间", DATETIME),
    F("rescheduled_to", "改约至"),
    F("reschedule_reason", "改约原因"),
    F("unreachable_at", "无法联系登记时间", DATETIME),
    F("unreachable_reason", "无法联系原因"),
    F("cancelled_at", "取消时间", DATETIME),
    F("cancel_reason", "取消原因"),
    F("voided_at", "作废时间", DATETIME),
    F("void_reason", "作废原因"),
)}  # fmt: skip
CALLBACK_STEPS = tuple(list(CALLBACK)[list(CALLBACK).index("added_at") :])

# A claim report (理赔报案) and every step of it (issue 21, 22 item 10): `kefu export claims` writes them,
# `kefu import claims` rebuilds each claim by replaying its steps (services/claim_import.py). A step taken
# more than once (申请、材料登记) lists its times in one cell separated by ";" and its values one a line;
# a list of materials or claim types is its labels separated by ";".
CLAIM: dict[str, Field] = {f.key: f for f in (
    F("id", "报案编号", aliases=("number", "理赔报案编号")),
    F("status", "状态"),
    F("reported_at", "报案时间", DATETIME, ("received", "接收时间")),
    F("channel", "报案方式"),
    F("policy", "保单号", aliases=("policy_no",)),
    F("product", "险种名称", aliases=("险种",)),
    F("line", "险种类型"),
    F("holder", "投保人"),
    F("insured", "被保险人", aliases=("出险人",)),
    F("insured_id", "被保险人证件号码", aliases=("证件号码",)),
    F("period_start", "保险期间起", DATE),
    F("period_end", "保险期间止", DATE),
    F("sum_insured", "保险金额", INT, ("保额",)),
    F("incident_at", "出险时间", DATETIME),
    F("place", "出险地点"),
    F("cause", "出险原因"),
    F("course", "出险经过"),
    F("injury", "伤害程度"),
    F("measures", "已采取措施"),
    F("present_state", "目前状况"),
    F("hospital", "就诊医院"),
    F("reporter", "报案人"),
    F("reporter_phone", "报案人电话"),
    F("reporter_address", "报案人地址"),
    F("relation", "与出险人关系"),
    F("known", "知道出险之日", DATE),
    F("limitation_end", "索赔时效届满日", DATE),
    F("not_covered", "不属保险责任的原因"),
    F("refusal_reason", "不予受理原因"),
    F("deaths", "死亡人数", INT),
    F("estimate", "预计理赔金额", INT),
    F("dispute", "争议投诉去向"),
    F("litigation", "涉及诉讼"),
    F("uncertain", "结果暂时无法确定"),
    F("major", "重大案件"),
    F("major_reasons", "重大案件依据"),
    F("branch", "机构"),
    F("handler", "经办人"),
    F("claim_types", "索赔类型"),
    F("missing", "尚缺材料"),
    F("result", "结案结果"),
    F("paid_amount", "赔付金额", INT),
    F("major_due", "重大案件呈报时限", DATETIME),
    F("handover_due", "移交时限", DATE),
    F("working_days_left", "剩余工作日", INT),
    F("overdue", "是否逾期"),
    # the steps (after the deadlines'): their times and values
    F("registered_at", "登记时间", DATETIME),
    F("major_at", "认定重大案件时间", DATETIME),
    # a major case marked after the report: the facts as reported (the columns above are the facts now)
    F("reported_deaths", "报案时死亡人数", INT),
    F("reported_estimate", "报案时预计理赔金额", INT),
    F("reported_dispute", "报案时争议投诉去向"),
    F("reported_litigation", "报案时涉及诉讼"),
    F("reported_uncertain", "报案时结果暂时无法确定"),
    F("escalated_at", "向总部呈报时间", DATETIME),
    F("escalated_to", "呈报单位"),
    F("escalate_note", "呈报说明"),
    F("applied_at", "申请时间", DATETIME),
    F("apply_types", "申请的索赔类型"),
    F("apply_received", "申请时已收材料"),
    F("applicant", "申请人"),
    F("applicant_phone", "申请人电话"),
    F("materials_at", "材料登记时间", DATETIME),
    F("materials_added", "登记收到的材料"),
    F("materials_removed", "撤销登记的材料"),
    F("complete_at", "材料齐全时间", DATETIME),
    F("handed_over_at", "移交时间", DATETIME),
    F("handed_over_to", "移交单位"),
    F("handover_note", "移交说明"),
    F("closed_at", "结案时间", DATETIME),
    F("result_reason", "结案说明"),
    F("voided_at", "作废时间", DATETIME),
    F("void_reason", "作废原因"),
)}  # fmt: skip
CLAIM_STEPS = tuple(list(CLAIM)[list(CLAIM).index("registered_at") :])

# A service request (退保、批改) and its steps: `kefu export requests`, `kefu import requests`.
REQUEST: dict[str, Field] = {f.key: f for f in (
    F("id", "请求编号", aliases=("number", "申请编号")),
    F("type", "请求类型", aliases=("类型",)),
    F("status", "状态"),
    F("received", "接收时间", DATETIME, ("received_at",)),
    F("channel", "提请方式"),
    F("policy", "保单号", aliases=("policy_no",)),
    F("product", "险种", aliases=("险种名称",)),
    F("holder", "投保人"),
    F("insured", "被保险人"),
    F("name", "客户", aliases=("客户姓名", "姓名")),
    F("phone", "联系电话", aliases=("电话",)),
    F("relation", "与投保人关系", aliases=("关系",)),
    F("reason", "退保原因"),
    F("reason_note", "原因说明"),
    F("content", "批改内容"),
    F("branch", "机构"),
    F("handler", "经办人"),
    # the steps
    F("registered_at", "登记时间", DATETIME),
    F("closed_at", "办结时间", DATETIME),
    F("close_note", "办结说明"),
    F("voided_at", "作废时间", DATETIME),
    F("void_reason", "作废原因"),
)}  # fmt: skip
REQUEST_STEPS = tuple(list(REQUEST)[list(REQUEST).index("registered_at") :])

DEADLINE: dict[str, Field] = {f.key: f for f in (
    F("case_id", "案件编号"),
    F("case_type", "案件类型"),
    F("kind", "期限类型"),
    F("due", "到期日", DATE),
    F("due_at", "到期时间", DATETIME),
    F("status", "状态"),
    F("working_days_left", "剩余工作日", INT),
    F("overdue", "是否逾期"),
    F("provisional", "临时日历"),
    F("branch", "机构"),
    F("handler", "经办人"),
)}  # fmt: skip


def field(table: dict[str, Field], key: str) -> Field:
    return table[key]


def columns(table: dict[str, Field], keys: Iterable[str] | None = None) -> list[Column]:
    """The export's columns: every field of `table` in order (or those of `keys`, in their order)."""
    return [table[k].column for k in (table if keys is None else keys)]


def import_names(table: dict[str, Field], keys: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """{key: (header, *aliases, key)} of the fields an import reads: the export's header first
    (an error's 表头示例 shows it), then the older and other names, then the English key."""
    out = {}
    for k in keys:
        f = table[k]
        out[k] = tuple(dict.fromkeys((f.header, *f.aliases, f.key)))
    return out


def legacy_names(table: dict[str, Field], keys: Iterable[str]) -> dict[str, str]:
    """{older header: key} of the fields an import reads (services/import_table.py `read_rows`
    reads such a column as the field when the file has no column for the field itself)."""
    return {name: k for k in keys for name in table[k].legacy}


def import_kinds(table: dict[str, Field], keys: Iterable[str]) -> dict[str, str]:
    """{key: kind} of the date and datetime fields among `keys` (how a workbook cell is read)."""
    return {k: table[k].kind for k in keys if table[k].kind in (DATE, DATETIME)}
