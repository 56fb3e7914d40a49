"""The stable vocabularies of DESIGN §5: skills, SOP checkpoints and the built-in compliance rules.

A data migration writes them; code refers to them by these codes.
"""

SKILLS = [
    (
        "opening",
        "开场与身份介绍",
        "Opening",
        "合规开场：表明姓名、公司和来意，建立沟通许可。",
        "A compliant opening: name, company and purpose, and permission to talk.",
    ),
    (
        "discovery",
        "需求挖掘",
        "Needs discovery",
        "用开放式问题了解家庭、收入、已有保障、健康和目标。",
        "Open questions about family, income, existing cover, health and goals.",
    ),
    (
        "product",
        "产品讲解",
        "Product explanation",
        "准确讲清保障责任、责任免除、等待期和费用。",
        "Explains benefits, exclusions, waiting period and cost accurately.",
    ),
    (
        "objection",
        "异议处理",
        "Objection handling",
        "先认同再澄清，用事实和方案回应客户的顾虑。",
        "Acknowledges, clarifies and answers concerns with facts and options.",
    ),
    (
        "compliance",
        "合规销售",
        "Compliance",
        "不夸大、不误导，完成犹豫期、如实告知等必要提示。",
        "No overstatement or misleading claims; makes the required disclosures.",
    ),
    (
        "closing",
        "促成与跟进",
        "Closing",
        "在客户认可后自然促成，约定清晰的下一步。",
        "Closes when the customer is ready and agrees a clear next step.",
    ),
    (
        "rapport",
        "沟通与共情",
        "Rapport",
        "倾听、共情、语言清晰，不施压。",
        "Listens, shows empathy, speaks plainly, never pressures.",
    ),
]

CHECKPOINTS = [
    (
        "identity_disclosed",
        "表明身份",
        "Identity disclosed",
        "坐席说明本人姓名及所属公司或执业证号。",
        "The agent states their name and company or licence number.",
    ),
    (
        "needs_discovery",
        "需求了解",
        "Needs explored",
        "至少两个了解客户情况的真实问题。",
        "At least two genuine questions about the customer's situation.",
    ),
    (
        "exclusions_explained",
        "说明免责与等待期",
        "Exclusions explained",
        "讲明至少一项具体的责任免除或等待期。",
        "At least one concrete exclusion or the waiting period explained.",
    ),
    (
        "cooling_off_disclosed",
        "告知犹豫期",
        "Cooling-off disclosed",
        "告知客户犹豫期及其权利。",
        "The customer is told about the cooling-off (free-look) period.",
    ),
    (
        "disclosure_duty_reminded",
        "提示如实告知",
        "Disclosure duty reminded",
        "提醒客户如实告知健康、职业等情况。",
        "The customer is reminded to declare health and occupation truthfully.",
    ),
    (
        "next_step_agreed",
        "约定下一步",
        "Next step agreed",
        "对话以明确的下一步结束：投保、面谈、回电或发送资料。",
        "The conversation ends with a concrete next step.",
    ),
]

# code, severity, title zh, title en, regulation basis (RULES.md)
RULES = [
    (
        "guaranteed_return",
        "serious",
        "承诺保证收益",
        "Promising guaranteed returns",
        "保险销售行为管理办法 17(三) (虚假或夸大表述, 隐去假设), 22 (提示保单利益的不确定性)",
    ),
    (
        "deposit_confusion",
        "serious",
        "混淆保险与存款理财",
        "Presenting insurance as a deposit",
        "17(三) (偷换概念, 不当类比)",
    ),
    ("exaggerated_coverage", "serious", "夸大保险责任", "Overstating coverage", "17(三)"),
    (
        "concealed_exclusions",
        "serious",
        "隐瞒免责条款或限制",
        "Concealing exclusions or limits",
        "17(三) (不得隐瞒限制条件), 26",
    ),
    (
        "induced_nondisclosure",
        "serious",
        "诱导不如实告知",
        "Inducing non-disclosure",
        "27 (提示如实告知义务)",
    ),
    (
        "improper_benefit",
        "serious",
        "给予合同外利益",
        "Offering improper benefits",
        "保险法 (给予保险合同约定以外的利益); 30",
    ),
    ("proxy_signature", "serious", "代签名或代抄录", "Signing on the customer's behalf", "29 ¶2"),
    ("competitor_disparagement", "general", "诋毁同业", "Disparaging competitors", "17(四)"),
    ("false_urgency", "general", "虚构停售涨价催促", "False urgency", "19 ¶3"),
    (
        "regulator_endorsement",
        "general",
        "虚称监管或国家担保",
        "Claiming regulator endorsement",
        "17(五)",
    ),
    ("premium_handling", "general", "违规经手保费或保险金", "Improper handling of money", "32 ¶2"),
    ("cooling_off_omitted", "general", "未告知犹豫期", "Cooling-off period not disclosed", "25"),
]

# What an agent can ask about (questions on a topic reveal a persona's hidden facts) and what an
# agent can do to resolve an objection (docs/content-format.md).
PERSONA_TOPICS = (
    "age",
    "family",
    "income",
    "occupation",
    "health",
    "existing_cover",
    "debts",
    "budget",
    "goals",
    "retirement",
    "education",
    "assets",
)
RESOLUTION_MOVES = (
    "empathy",
    "cost_breakdown",
    "value_vs_risk",
    "coverage_gap",
    "involve_spouse",
    "company_strength",
    "protection_vs_investment",
    "cooling_off",
    "no_pressure",
    "tailored_plan",
    "clarify_terms",
)

SKILL_CODES = [row[0] for row in SKILLS]
CHECKPOINT_CODES = [row[0] for row in CHECKPOINTS]
RULE_CODES = [row[0] for row in RULES]
RULE_SEVERITY = {row[0]: row[1] for row in RULES}


def vocabularies_ensure(*, skill_model=None, checkpoint_model=None, rule_model=None) -> None:
    """Write the skills, checkpoints and built-in rules (idempotent; the data migration and the
    seeding both call it, since a flushed test database loses migration data)."""
    if skill_model is None:
        from knowledge.models import Checkpoint, ComplianceRule, Skill

        skill_model, checkpoint_model, rule_model = Skill, Checkpoint, ComplianceRule
    for order, (code, name_zh, name_en, desc_zh, desc_en) in enumerate(SKILLS):
        skill_model.objects.update_or_create(
            code=code,
            defaults={
                "name_zh": name_zh,
                "name_en": name_en,
                "description_zh": desc_zh,
                "description_en": desc_en,
                "order": order,
            },
        )
    for order, (code, name_zh, name_en, desc_zh, desc_en) in enumerate(CHECKPOINTS):
        checkpoint_model.objects.update_or_create(
            code=code,
            defaults={
                "name_zh": name_zh,
                "name_en": name_en,
                "description_zh": desc_zh,
                "description_en": desc_en,
                "order": order,
            },
        )
    for code, severity, title_zh, title_en, basis in RULES:
        if not rule_model.objects.filter(organisation=None, code=code).exists():
            rule_model.objects.create(
                organisation=None,
                code=code,
                severity=severity,
                title_zh=title_zh,
                title_en=title_en,
                basis=basis,
            )
