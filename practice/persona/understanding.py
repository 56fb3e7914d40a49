"""Reading an agent's message the way a customer would hear it.

The offline persona engine does not parse language; it listens for cues. This module turns one
agent message into an :class:`AgentMessage`: which persona topics it asks about or mentions,
whether it is a genuine open question, which resolution moves it makes, whether it shows
empathy, applies pressure, tries to close, greets, names the agent's company, explains terms
plainly or buries the customer in jargon.

Lexicons are written for Simplified Chinese and English and are both always consulted, because
agents mix languages ("这个 premium 每年多少"). Chinese cues are plain substrings (no word
boundaries in Chinese); English cues are regular expressions matched on word boundaries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Lexicon:
    """Chinese substrings and English word-bounded patterns for one cue."""

    zh: tuple[str, ...] = ()
    en: tuple[str, ...] = ()

    def count(self, text: str) -> int:
        hits = sum(1 for cue in self.zh if cue in text)
        hits += sum(1 for pattern in self._en_patterns() if pattern.search(text))
        return hits

    def matches(self, text: str) -> bool:
        return self.count(text) > 0

    def _en_patterns(self) -> list[re.Pattern[str]]:
        cached = _PATTERN_CACHE.get(id(self))
        if cached is None:
            cached = [re.compile(rf"\b{p}\b") for p in self.en]
            _PATTERN_CACHE[id(self)] = cached
        return cached


_PATTERN_CACHE: dict[int, list[re.Pattern[str]]] = {}


# What the agent asks about or brings up. "先生" alone is left out on purpose: it is how agents
# address the customer (王先生), not a question about the customer's husband.
# fmt: off
TOPIC_LEXICONS: dict[str, Lexicon] = {
    "age": Lexicon(
        zh=("年龄", "多大", "几岁", "年纪", "哪年出生", "属什么", "出生年份", "周岁"),
        en=(r"how old", r"your age", r"age", r"born in", r"year of birth", r"birthday"),
    ),
    "family": Lexicon(
        zh=(
            "家人", "家庭", "孩子", "小孩", "宝宝", "儿子", "女儿", "爱人", "老公",
            "老婆", "您先生", "你先生", "太太",
            "妻子", "丈夫", "父母", "爸妈", "老人家", "结婚", "成家", "几口人", "另一半", "子女",
            "一家",
        ),
        en=(
            r"family", r"kids?", r"children", r"child", r"sons?", r"daughters?", r"wife",
            r"husband", r"spouse", r"partner", r"parents", r"married", r"depends? on you",
            r"dependants?", r"dependents?", r"household",
        ),
    ),
    "income": Lexicon(
        zh=("收入", "工资", "薪水", "月薪", "年薪", "挣多少", "赚多少", "经济来源", "进账", "奖金"),
        en=(
            r"income", r"salary", r"earn(ings)?", r"wages?", r"make a year", r"take home",
            r"bonus",
        ),
    ),
    "occupation": Lexicon(
        zh=(
            "工作", "职业", "做什么的", "哪个行业", "上班", "单位", "岗位", "干什么", "做哪行",
            "从事", "生意", "行业", "出差",
        ),
        en=(
            r"what do you do", r"(your|you) work", r"work(ing)? (as|in|for|at)", r"job",
            r"occupation", r"for a living", r"profession", r"employer", r"business", r"industry",
            r"career", r"travel for work", r"role at",
        ),
    ),
    "health": Lexicon(
        zh=(
            "身体", "健康", "体检", "病史", "生病", "住院", "手术", "慢性病", "血压", "血糖",
            "吃药", "既往", "看病", "毛病",
            "检查结果", "家族", "遗传", "抽烟", "吸烟", "喝酒", "饮酒", "烟酒", "熬夜", "作息",),
        en=(
            r"health", r"healthy", r"medical history", r"check-?ups?", r"conditions?", r"illness",
            r"hospital", r"surgery", r"medication", r"blood pressure", r"sick",
            r"runs? in the family", r"smoke", r"smoking", r"drink(ing)?", r"fit", r"any (illness|treatment)",),
    ),
    "existing_cover": Lexicon(
        zh=(
            "已经有", "买过", "有没有保险", "有保险", "现有", "医保", "社保", "团险", "保单",
            "已有", "什么保障", "哪些保险",
            "保障情况", "单位给", "公司给", "公司买", "配置过",
        ),
        en=(
            r"existing", r"already have", r"any insurance",
            r"cover(age)? (do )?you (already )?have", r"policies", r"social insurance",
            r"company plan", r"group (insurance|cover|plan)", r"through (your )?(work|employer)",
            r"currently (have|hold)", r"insured",
        ),
    ),
    "debts": Lexicon(
        zh=("房贷", "车贷", "贷款", "负债", "欠款", "按揭", "还款", "月供", "还贷", "买房", "欠债", "借钱", "信用卡", "房子",),
        en=(r"mortgage", r"loans?", r"debts?", r"repayments?", r"owe", r"borrow(ed|ing)?", r"credit cards?", r"owing",),
    ),
    "budget": Lexicon(
        zh=(
            "预算", "保费", "价格", "多少钱", "花多少", "每年交", "交多少", "费用", "贵", "便宜",
            "承受", "开支", "每个月能",
            "一年能", "投入多少", "元一年", "块钱", "拿出多少", "月供能力",),
        en=(
            r"budget", r"premiums?", r"price", r"cost", r"afford", r"expensive", r"cheap",
            r"how much", r"spend", r"per year", r"per month", r"set aside", r"put aside", r"(yearly|annual|monthly) (amount|budget|contribution)", r"comfortable (paying|spending|putting)",),
    ),
    "goals": Lexicon(
        zh=(
            "担心", "顾虑", "最在意", "最关心", "希望", "目标", "打算", "规划", "想保障",
            "想解决", "最怕", "需求", "看重",
            "在乎", "想要", "考虑的是", "想法", "心愿", "放心不下", "牵挂", "操心", "最重要",),
        en=(
            r"worr(y|ies|ied)", r"concerns?", r"goals?", r"your plans?", r"plan(ning)? (to|for)",
            r"future", r"hopes?", r"protect", r"matters? (most )?to you", r"priorit(y|ies)",
            r"looking for", r"afraid", r"care about", r"important to you", r"want to achieve", r"keeps? you up at night", r"most important",),
    ),
    "retirement": Lexicon(
        zh=("退休", "养老", "老了以后", "晚年", "养老金", "退下来", "不上班以后", "不工作了",),
        en=(r"retire", r"retirement", r"retiring", r"pension", r"old age", r"later years", r"stop(ping)? work(ing)?", r"after work ends",),
    ),
    "education": Lexicon(
        zh=("教育", "上学", "读书", "学费", "留学", "上大学", "教育金", "升学"),
        en=(r"education", r"school", r"college", r"university", r"tuition", r"study abroad"),
    ),
    "assets": Lexicon(
        zh=(
            "存款", "积蓄", "储蓄", "理财", "投资", "资产", "基金", "股票", "存钱", "闲钱",
            "放在哪", "钱怎么打理", "手头的钱", "余钱",),
        en=(
            r"savings?", r"invest(ing|ments?)?", r"assets", r"funds", r"stocks?", r"deposits?",
            r"money (set )?aside", r"portfolio", r"nest egg", r"your money", r"money sits", r"put (your )?money",),
    ),
}

# Topics a guarded customer will not talk about before some trust exists.
SENSITIVE_TOPICS = frozenset({"income", "assets", "debts", "health"})

MOVE_LEXICONS: dict[str, Lexicon] = {
    "empathy": Lexicon(
        zh=(
            "理解", "明白您", "明白你", "您的顾虑", "你的顾虑", "您说得对", "你说得对",
            "换作是我", "很正常", "谢谢您坦诚", "谢谢您愿意",
            "我懂", "不容易", "辛苦", "是我没说清楚", "有这个担心", "有这样的担心",
            "谨慎一点是对的", "感同身受",
        ),
        en=(
            r"i (fully |completely |totally |really )?understand", r"understandable",
            r"i hear you", r"fair point", r"makes sense", r"valid (point|concern)", r"appreciate",
            r"i get it", r"totally fair", r"reasonable (concern|question)", r"that's fair",
            r"sorry", r"i see why", r"good question",
        ),
    ),
    "cost_breakdown": Lexicon(
        zh=(
            "每天", "一天", "每月", "一个月", "折算", "相当于", "一杯咖啡", "收入的", "百分之",
            "%", "比例", "便宜一些的",
            "低一点的方案", "降低保额", "少交",
        ),
        en=(
            r"per day", r"a day", r"per month", r"a month", r"works out", r"equivalent",
            r"coffee", r"percent", r"share of (your )?income", r"cheaper (plan|option)",
            r"lower (the )?(sum|premium)", r"of your income",
        ),
    ),
    "value_vs_risk": Lexicon(
        zh=(
            "万一", "一旦", "治疗费", "医疗费", "几十万", "上百万", "风险", "代价", "杠杆",
            "如果真的", "收入中断", "没有收入",
            "自己掏", "花掉", "拖垮",
        ),
        en=(
            r"if something happen(s|ed)", r"what would it cost", r"treatment costs?",
            r"thousands", r"risk", r"the cost of", r"lose (your )?income", r"leverage",
            r"in case", r"out of (your own )?pocket", r"wipe out", r"medical bills?",
        ),
    ),
    "coverage_gap": Lexicon(
        zh=(
            "缺口", "不够", "只能报销", "医保报销", "覆盖不了", "离职", "团险", "社保只",
            "额度有限", "保额不够", "补充", "没覆盖",
            "报不了", "目录外", "自费",
        ),
        en=(
            r"gaps?", r"not enough", r"doesn'?t cover", r"only covers", r"leave (your|the) job",
            r"ends when", r"top (it )?up", r"on top of", r"limited", r"supplement",
            r"not covered by", r"falls short",
        ),
    ),
    "involve_spouse": Lexicon(
        zh=(
            "和您爱人", "跟您爱人", "和您太太", "跟您太太", "和您先生", "跟您先生", "和你爱人",
            "跟你爱人", "一起聊", "一起来", "给您爱人",
            "给您太太", "给您先生", "夫妻", "三方", "一起见", "一起商量", "你们一起", "您们一起",
            "两位一起",
        ),
        en=(
            r"your (wife|husband|partner|spouse)", r"both of you",
            r"(discuss|talk|decide|look at) (it )?together", r"join (us|the call)",
            r"meet you both", r"the two of you",
        ),
    ),
    "company_strength": Lexicon(
        zh=(
            "偿付能力", "监管", "理赔数据", "理赔率", "理赔时效", "理赔流程", "获赔率", "赔付率",
            "实力", "评级", "保险保障基金", "直付",
            "线上理赔", "理赔款", "年报",
        ),
        en=(
            r"solvency", r"regulated", r"regulator", r"claims? paid", r"claims? ratio",
            r"claims? process", r"settle(d|ment)", r"rating", r"financial strength",
            r"track record", r"protection fund", r"annual report",
        ),
    ),
    "protection_vs_investment": Lexicon(
        zh=(
            "保障和投资", "不同的作用", "作用不同", "保障是", "投资是", "不是理财", "保证部分",
            "不保证", "非保证", "演示利率", "分红不确定",
            "保底", "专款专用", "强制储蓄", "分开", "锁定", "写进合同", "不是用来跟", "各管各的", "保证领取", "保证给付", "两回事",),
        en=(
            r"protection (and|vs\.?|versus|is not|isn'?t) (an )?investment",
            r"(insurance|it) (protects|is for protection)", r"different (jobs|roles|purposes)",
            r"not an investment", r"guaranteed part", r"non-guaranteed", r"not guaranteed",
            r"illustrat(ion|ed)", r"demonstration", r"dividends? (vary|can vary|are not)",
            r"minimum guaranteed", r"separate", r"written into the contract", r"for growth", r"only the guaranteed", r"guaranteed (payments|benefits|income|amount|part)", r"(isn'?t|not) meant to beat", r"does a different job",),
    ),
    "cooling_off": Lexicon(
        zh=(
            "犹豫期", "冷静期", "全额退", "无条件退", "十五天", "15天", "二十天", "20天",
            "不满意可以退",
        ),
        en=(
            r"cooling[- ]off", r"free[- ]look", r"full refund", r"cancel within", r"15 days",
            r"20 days", r"fifteen days",
        ),
    ),
    "no_pressure": Lexicon(
        zh=(
            "不着急", "不用急", "慢慢考虑", "您先考虑", "你先考虑", "不勉强", "不催", "约个时间",
            "下周", "改天", "我把资料发", "发给您",
            "发给你", "再联系", "您定", "你定", "不急着", "考虑好了", "等您", "想清楚",
        ),
        en=(
            r"no rush", r"take your time", r"no pressure", r"think it over", r"follow up",
            r"next week", r"send you", r"call you back", r"whenever you'?re ready",
            r"your decision", r"your call", r"no hurry", r"sleep on it",
        ),
    ),
    "tailored_plan": Lexicon(
        zh=(
            "根据您", "根据你", "按您的", "按你的", "结合您", "结合你", "针对您", "针对你",
            "为您调整", "调低", "调高", "调整",
            "改成", "附加", "量身", "定制", "基础版", "先配置", "缩短", "适合您", "适合你",
        ),
        en=(
            r"based on your", r"for your situation", r"adjust", r"tailor(ed)?", r"lower the sum",
            r"reduce the (cover|sum)", r"riders?", r"customi[sz]e", r"basic version",
            r"start with a smaller", r"fits? your",
        ),
    ),
    "clarify_terms": Lexicon(
        zh=(
            "等待期", "观察期", "免责", "责任免除", "条款", "通俗", "简单说", "简单来说",
            "意思是", "举个例子", "免赔额", "既往症",
            "不赔的情况", "哪些情况不赔", "也就是说", "打个比方",
        ),
        en=(
            r"waiting period", r"exclusions?", r"clauses?", r"in plain", r"simply put",
            r"that means", r"for example", r"deductible", r"pre-?existing", r"not covered",
            r"in other words", r"put simply",
        ),
    ),
}

# Product matters a customer asks about; the same lexicons tell whether the agent answered.
PRODUCT_TOPIC_LEXICONS: dict[str, Lexicon] = {
    "waiting_period": Lexicon(zh=("等待期", "观察期"), en=(r"waiting period",)),
    "exclusions": Lexicon(
        zh=("免责", "责任免除", "不赔", "不保", "除外", "不在保障"),
        en=(r"exclusions?", r"not covered", r"excluded", r"won'?t pay", r"does not pay"),
    ),
    "cooling_off": MOVE_LEXICONS["cooling_off"],
    "surrender": Lexicon(
        zh=("退保", "现金价值", "解约", "退掉", "退钱"),
        en=(r"surrender", r"cash value", r"cancel", r"refund", r"get (my|your) money back"),
    ),
    "guaranteed_return": Lexicon(
        zh=("保证", "不保证", "演示", "分红", "结算利率", "保底", "确定的", "写进合同"),
        en=(
            r"guarantee(d)?", r"non-guaranteed", r"illustrat(ion|ed)", r"dividends?",
            r"crediting rate", r"minimum rate",
        ),
    ),
    "deductible": Lexicon(zh=("免赔额", "免赔", "一万以上", "1万"), en=(r"deductible", r"excess")),
    "renewal": Lexicon(
        zh=("续保", "停售", "保证续保", "第二年"), en=(r"renew(al|able|ed)?", r"next year")
    ),
    "claims": Lexicon(
        zh=("理赔", "报案", "材料", "赔付", "直付"),
        en=(r"claims?", r"paid out", r"pay out", r"documents"),
    ),
    "price": TOPIC_LEXICONS["budget"],
    "payout": Lexicon(
        zh=("领取", "领钱", "按月领", "开始领", "领到"),
        en=(r"pay(s|ments)? (out|start)", r"receive", r"income for life", r"start paying"),
    ),
    "coverage": Lexicon(
        zh=("保障范围", "保哪些", "保什么", "赔多少", "保额", "保障责任", "保险责任"),
        en=(r"what (it|does it) covers?", r"benefits?", r"sum assured", r"pays? out"),
    ),
    "occupation_class": Lexicon(
        zh=("职业类别", "职业等级", "高风险职业", "几类职业"),
        en=(r"occupation class", r"high-risk (job|occupation)s?"),
    ),
}

EMPATHY = MOVE_LEXICONS["empathy"]

GREETING = Lexicon(
    zh=("您好", "你好", "早上好", "下午好", "晚上好", "打扰", "喂", "哥好", "姐好", "先生好", "女士好", "总好", "老师好", "阿姨好", "叔好",),
    en=(r"hello", r"hi", r"good (morning|afternoon|evening)", r"hey"),
)

IDENTITY = Lexicon(
    zh=(
        "我是安澜", "安澜人寿", "工号", "执业证", "执业编号", "我叫", "我是您的", "保险顾问",
        "保险代理人", "客户经理", "的顾问",
    ),
    en=(
        r"my name is", r"i'?m from anlan", r"anlan life", r"calling from", r"agent (number|no)",
        r"licen[cs]e", r"adviser", r"advisor", r"this is \w+ from",
    ),
)

# "投保" alone also appears in a disclosure reminder ("投保前要如实告知"), so closing cues name the
# act of buying or agreeing on it.
CLOSING = Lexicon(
    zh=(
        "帮您投保", "帮你投保", "帮您办", "帮你办", "现在投保", "投保流程", "办理投保", "就办了",
        "确定下来", "签下来", "要不要今天",
        "就这么定", "定了吧", "可以投保了", "开始投保", "填投保单", "走流程", "要不要办",
        "要不要买", "买一份", "办一份", "给您办", "给你办",
        "签单", "下单", "签字", "签个字", "出单", "定下来", "我们就定", "把保单办",
        "要不要考虑投保", "今天就办", "就按这个方案", "签吧", "赶紧签", "快签", "签了吧",
    ),
    en=(
        r"sign up", r"go ahead", r"get (it )?started", r"start the application", r"proceed",
        r"set (it|the policy|this) up", r"ready to (buy|start|sign|apply)",
        r"shall we (start|begin|do|get|put)", r"enrol(l)?", r"would you like to (buy|take|apply)",
        r"sign (it|the|today|now)", r"complete the application", r"take out the policy",
        r"put the application", r"lock (it|this) in",
    ),
)

PRESSURE = Lexicon(
    zh=(
        "今天必须", "必须今天", "今天就得", "马上定", "马上签", "立刻", "赶紧", "最后一天",
        "最后机会", "错过", "名额有限", "就涨价",
        "要涨价", "停售", "别犹豫", "别想了", "会后悔", "现在就定", "抓紧", "没时间考虑",
        "过了今天", "快点决定", "别磨蹭", "过了今天就没", "错过就没",
        "必须马上",
    ),
    en=(
        r"today only", r"right now", r"last chance", r"sign now", r"don'?t miss",
        r"limited (spots|places|time)", r"price (goes|will go) up", r"must decide", r"hurry",
        r"you'?ll regret", r"before it'?s gone", r"only today", r"immediately", r"decide now",
        r"no time to think", r"stop hesitating", r"what'?s there to think",
    ),
)

JARGON = Lexicon(
    zh=(
        "保额", "现金价值", "保单年度", "豁免", "轻症", "中症", "给付", "免赔额", "IRR", "irr",
        "复利", "万能账户", "结算利率",
        "趸交", "期交", "附加险", "被保险人", "投保人", "受益人", "保证续保", "费率", "精算",
        "准备金", "退保费用",
    ),
    en=(
        r"sum assured", r"cash value", r"policy year", r"waiver", r"irr", r"compound",
        r"crediting rate", r"single premium", r"rider", r"policyholder", r"beneficiary",
        r"actuarial", r"reserves?", r"surrender charge", r"accumulat(ion|ed)",
    ),
)

PLAIN_LANGUAGE = Lexicon(
    zh=("简单说", "简单来说", "也就是说", "意思是", "举个例子", "打个比方", "通俗", "换句话说"),
    en=(
        r"simply put", r"in plain", r"that means", r"for example", r"in other words",
        r"put simply",
    ),
)

DISCLOSURE_DUTY = Lexicon(
    zh=("如实告知", "健康告知", "如实填写", "如实申报"),
    en=(
        r"truthful(ly)?", r"disclose", r"disclosure", r"declare (your|any)",
        r"honest(ly)? about your health",
    ),
)

# Attempts to step outside the conversation (asking the customer to swap roles or reveal its
# instructions). The customer answers these in character, as a puzzled person would.
META = Lexicon(
    zh=(
        "扮演", "角色", "你来当", "你来演", "换个角色", "提示词", "系统设定", "隐藏信息",
        "评分标准", "你的设定", "你是ai",
        "你是机器人", "人工智能", "打分", "你的规则",
    ),
    en=(
        r"role ?-?play", r"your role", r"prompt", r"system message", r"hidden (facts|info|state)",
        r"rubric", r"your instructions", r"are you an? (ai|bot|robot)", r"language model",
        r"ignore (all|previous)", r"you play", r"swap roles", r"let'?s swap",
        r"play the (agent|customer|salesperson|seller)", r"scor(e|ing) criteria",
    ),
)

# Words that make a sentence a question even without a question mark (speech-to-text drops
# them). "什么" and "多少" are left out here because statements use them too ("没什么问题").
_QUESTION_WORDS_ZH = (
    "为什么", "是否", "有没有", "是不是", "能不能", "可不可以", "方便说", "说说", "聊聊", "讲讲",
    "谈谈", "请问", "怎么样", "如何",
    "哪些", "多大", "几岁", "几口",
)
OPINION = Lexicon(
    zh=("觉得", "看法", "怎么看", "怎么样", "感觉如何", "意见"),
    en=(r"do you think", r"how does that sound", r"what do you make", r"how do you feel",
        r"your (thoughts|view|opinion)"),
)
_OPEN_WORDS_ZH = (
    "什么", "怎么", "如何", "哪些", "为什么", "说说", "聊聊", "讲讲", "谈谈", "介绍", "具体",
    "多少", "怎样", "哪方面", "主要", "多大", "几岁", "几口", "几个", "哪里", "哪个", "多久",
)
_OPEN_EN = re.compile(
    r"\b(what|how|why|which|tell me|walk me through|describe|share|talk me through|"
    r"in what way|could you explain)\b"
)
_CLOSED_START_EN = re.compile(
    r"(^|[.!,;?]\s*)(do|does|did|are|is|was|were|have|has|can|could|would|will|shall|may|"
    r"should)\b"
)
_CLOSED_WORDS_ZH = ("吗", "是不是", "有没有", "是否", "对吧", "对不对", "好不好", "能不能", "可不可以")
# Requests for information count as questions: "Tell me about your family."
_REQUEST_EN = re.compile(
    r"\b(tell me|walk me through|talk me through|could you share|i'?d love to hear|"
    r"help me understand|describe)\b"
)
_A_NOT_A = re.compile(r"([\u4e00-\u9fff])[不没]\1")
_ZH_FINAL_PARTICLE = re.compile(r"[吗呢][\s。.!！~]*$")


@dataclass
class AgentMessage:
    """What the customer hears in one agent message."""

    text: str
    is_question: bool = False
    open_question: bool = False
    topics: list[str] = field(default_factory=list)  # persona topics asked about or mentioned
    product_topics: list[str] = field(default_factory=list)  # product matters spoken about
    moves: set[str] = field(default_factory=set)
    empathy: bool = False
    pressure: int = 0
    closing: bool = False
    greeting: bool = False
    identity: bool = False
    jargon: int = 0
    plain_language: bool = False
    disclosure_duty: bool = False
    meta: bool = False
    opinion: bool = False  # asks what the customer thinks ("您觉得怎么样？")
    length: int = 0  # characters for Chinese, words for English, comparable scales

    @property
    def long_monologue(self) -> bool:
        return self.length > 160
# fmt: on


def normalise(text: str) -> str:
    """Lower-case and fold full-width punctuation so one lexicon serves both scripts."""
    table = str.maketrans(
        {
            "？": "?",
            "！": "!",
            "，": ",",
            "。": ".",
            "；": ";",
            "：": ":",
            "’": "'",
            "‘": "'",
            "“": '"',
            "”": '"',
        }
    )
    return " ".join(text.translate(table).lower().split())


def _length(text: str) -> int:
    cjk = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    words = len(re.findall(r"[a-z0-9']+", text))
    # A Chinese character carries roughly the load of half an English word.
    return cjk + words * 2


def _question_shape(text: str) -> tuple[bool, bool]:
    """Return (is_question, is_open) for the message as a whole.

    A question is open unless it can be answered with yes or no; "孩子多大了？" is open,
    "您有孩子吗？" and "Do you have kids?" are closed.
    """
    has_mark = "?" in text
    zh_word = any(word in text for word in _QUESTION_WORDS_ZH)
    zh_particle = bool(_ZH_FINAL_PARTICLE.search(text)) or any(
        p in text for p in ("吗?", "呢?", "吗,", "呢,", "吗.", "呢.")
    )
    a_not_a = bool(_A_NOT_A.search(text))
    en_request = bool(_REQUEST_EN.search(text))
    is_question = has_mark or zh_particle or zh_word or a_not_a or en_request
    if not is_question:
        return False, False
    if any(word in text for word in _OPEN_WORDS_ZH) or _OPEN_EN.search(text):
        return True, True
    closed = (
        any(word in text for word in _CLOSED_WORDS_ZH)
        or bool(_A_NOT_A.search(text))
        or bool(_CLOSED_START_EN.search(text))
    )
    return True, not closed


def analyse(text: str) -> AgentMessage:
    """Analyse one agent message; the result drives the persona engine's reaction."""
    norm = normalise(text)
    is_question, is_open = _question_shape(norm)
    topics = [topic for topic, lexicon in TOPIC_LEXICONS.items() if lexicon.matches(norm)]
    # A question sorted by how strongly it names a topic, so the clearest subject comes first.
    # "goals" words (打算, plan) ride along with every other topic, so they lose ties.
    topics.sort(key=lambda t: (-TOPIC_LEXICONS[t].count(norm), t == "goals"))
    product_topics = [t for t, lex in PRODUCT_TOPIC_LEXICONS.items() if lex.matches(norm)]
    moves = {move for move, lexicon in MOVE_LEXICONS.items() if lexicon.matches(norm)}
    pressure = min(PRESSURE.count(norm), 3)
    if pressure:
        # "不着急" and "今天必须" in one breath is still pressure; the soothing word is not a move.
        moves.discard("no_pressure")
    return AgentMessage(
        text=text,
        is_question=is_question,
        open_question=is_open,
        topics=topics,
        product_topics=product_topics,
        moves=moves,
        empathy="empathy" in moves,
        pressure=pressure,
        closing=CLOSING.matches(norm),
        greeting=GREETING.matches(norm),
        identity=IDENTITY.matches(norm),
        jargon=JARGON.count(norm),
        plain_language=PLAIN_LANGUAGE.matches(norm),
        disclosure_duty=DISCLOSURE_DUTY.matches(norm),
        meta=META.matches(norm),
        opinion=OPINION.matches(norm),
        length=_length(norm),
    )
