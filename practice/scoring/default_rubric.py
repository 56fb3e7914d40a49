"""The rubric for imported calls that name no scenario (the organisation may replace it)."""

from cases.models import Rubric

CALL_QA_CRITERIA = [
    {
        "code": "opening",
        "skill": "opening",
        "title_zh": "合规开场",
        "title_en": "Compliant opening",
        "weight": 10,
        "max_score": 5,
        "checks_zh": ["说明姓名和公司或执业证号", "说明来意"],
        "checks_en": ["States name and company or licence", "States the purpose"],
    },
    {
        "code": "discovery",
        "skill": "discovery",
        "title_zh": "需求挖掘",
        "title_en": "Needs discovery",
        "weight": 20,
        "max_score": 5,
        "checks_zh": ["至少两个了解客户情况的问题", "有开放式问题"],
        "checks_en": ["At least two questions about the customer", "Uses open questions"],
    },
    {
        "code": "product",
        "skill": "product",
        "title_zh": "产品讲解",
        "title_en": "Product explanation",
        "weight": 20,
        "max_score": 5,
        "checks_zh": ["讲清保障责任", "说明责任免除或等待期"],
        "checks_en": ["Explains the benefits", "Explains exclusions or the waiting period"],
    },
    {
        "code": "objection",
        "skill": "objection",
        "title_zh": "异议处理",
        "title_en": "Objection handling",
        "weight": 15,
        "max_score": 5,
        "checks_zh": ["先认同再回应", "用事实化解顾虑"],
        "checks_en": ["Acknowledges first", "Answers with facts"],
    },
    {
        "code": "compliance",
        "skill": "compliance",
        "title_zh": "合规销售",
        "title_en": "Compliance",
        "weight": 20,
        "max_score": 5,
        "checks_zh": ["无误导表述", "提示犹豫期和如实告知"],
        "checks_en": [
            "No misleading statements",
            "Discloses cooling-off and the duty of disclosure",
        ],
    },
    {
        "code": "closing",
        "skill": "closing",
        "title_zh": "促成与下一步",
        "title_en": "Closing and next step",
        "weight": 15,
        "max_score": 5,
        "checks_zh": ["约定明确的下一步", "不施压"],
        "checks_en": ["Agrees a clear next step", "No pressure"],
    },
]


def default_call_rubric(*, organisation_id: int) -> Rubric:
    rubric, _ = Rubric.objects.get_or_create(
        organisation_id=organisation_id,
        code="call-qa",
        version=1,
        defaults={"title": "通话质检标准 Call QA", "criteria": CALL_QA_CRITERIA},
    )
    return rubric
