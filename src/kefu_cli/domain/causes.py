"""Root causes of complaints (溯源整改, 2020 rule Art. 26; RULES.md §6): the code list a decision
names (`complaint decide --cause`, `complaint edit --cause`) and `report stats` counts. Each code
is typed in English or Chinese (domain/codes.py `parse_code`).

    parse_code(CAUSES, "理赔服务", "--cause 根本原因")   # "claims_service"
"""

from __future__ import annotations

from .codes import CodeTable

# code -> (Chinese label, other accepted spellings), in the order reports list them
CAUSES: CodeTable = {
    "product_design": ("产品设计", ("产品",)),
    "sales_conduct": ("销售行为", ("销售", "销售误导")),
    "claims_service": ("理赔服务", ("理赔",)),
    "service_quality": ("服务质量", ("服务",)),
    "systems": ("系统与设施", ("系统", "设施", "系统设施")),
    "process": ("制度流程", ("制度", "流程")),
    "other": ("其他", ("其它",)),
}
CAUSE_FIELD = "--cause 根本原因"
# the choices as help texts list them
CAUSE_HELP = "、".join(f"{zh}({code})" for code, (zh, _) in CAUSES.items())
