"""Bilingual concept lexicons, patterns and exemplars of the offline compliance detector.

Each compliance rule is described by what it means, not by a keyword list: several regular
expressions per rule cover the ways agents say the same thing (textbook phrasing and everyday
paraphrase, Chinese and English), guards describe the sentences that look alike but say the
opposite (negation, correction, disclaimers), and exemplar sentences feed a character n-gram
similarity that supports a pattern hit or, when very close, stands on its own.

Everything here is data; the matching logic lives in ``detector.py``.
"""

from __future__ import annotations

# Rates such as "4.5%", "百分之四", "4个点".
RATE = (
    r"(?:\d+(?:\.\d+)?\s*(?:%|％|个点|厘)|[一二两三四五六七八九十]+(?:点[一二三四五六七八九])?\s*(?:个点|厘)|"
    r"百分之[一二三四五六七八九十\d.点]+|(?:\d+|[一二两三四五六七八九十])点几(?:个点)?|"
    r"(?:\d+|[一二两三四五六七八九十])个多点)"
)
CERTAIN = r"(?:稳稳当当|稳稳|稳定|保证|固定|肯定|铁定|至少|少说|起码|最低也|怎么也|一定|保底|妥妥|照样|确定|板上钉钉|雷打不动|锁定|锁住|稳在|稳的|实打实的?)"

# Words that, just before a risky phrase, say the agent is denying it ("这不是存款").
NEGATION_PREFIX_ZH = (
    r"(?:不是|并不|并非|绝不是|不能说|不能讲|不可以说|不等于|不代表|不意味着|谈不上|算不上|"
    r"不存在|没有所谓|哪有|不会是|不要以为|别以为|别听|不能|不可能|不保证|没法|无法|不一定|不会|不给|"
    r"不送|不返|不收|不替|不帮|不代|从不|从来不|禁止|严禁|不用|不要|不必|不需要|不应该|不应|不得|"
    r"不允许|千万别|(?<![特区级派告识分])别(?![家人的处样扭急着客]))"
)
# A bare negator right in front of the phrase ("不代签", "没转给我").
NEGATION_IMMEDIATE_ZH = r"(?:不|没|未|勿|莫|非|别)"
# A clause that opens by denying existence negates what follows in it.
NEGATION_CLAUSE = (
    r"没有任何|没有哪(?:个|家|款|一)|从来没有|任何[^，。；]{0,8}都不|"
    r"不(?:能|会|可以)(?:也不(?:能|会))?(?:给|送|返|提供|收|替|帮|代)|"
    r"(?:不能|不要|不可以|不可|别|不得|切勿|千万别)把|"
    r"(?:不是|并非|并不是)(?![^，。；]*(?:而是|但是|但|只是|却))|"
    r"\b(?:can't|cannot|won't|will not|don't|do not|never) (?:offer|give|pay|take|accept|sign|"
    r"collect)\b|"
    r"\b(?:no|none of the|not a single|not one) (?:product|products|insurer|insurers|policy|"
    r"policies|company|companies|plan|plans|one)\b|\bnobody can\b|\bno one can\b"
)
NEGATION_PREFIX_EN = (
    r"\b(?:not|isn't|is not|aren't|are not|wasn't|doesn't|does not|don't|do not|never|no|"
    r"can't|cannot|can not|won't|will not|nobody|neither|nor|without|rather than|instead of|"
    r"as opposed to|unlike)\b"
)

# Quotations inside a turn, and what makes one a mention rather than an assertion.
QUOTATION = r"“[^”]{1,200}”|「[^」]{1,200}」|『[^』]{1,200}』|‘[^’]{1,200}’|\"[^\"\n]{1,200}\""
MENTION_FRAME_BEFORE = (
    r"说|讲|称|问|叫|以为|认为|觉得|担心|听说|听到|提到|写着|说法|话术|口径|标榜|宣传|"
    r"不能|不要|不可|不得|不该|别|禁止|严禁|切忌|避免|红线|不说|"
    r"\b(?:say|says|said|saying|told|tell|heard|hear|mention\w*|think|thinks|thought|claim\w*|"
    r"call\w*|describe\w*|promis\w*|never|don't|do not|avoid|no|not|words like|lines like|"
    r"phrases like|such as)\b"
)
MENTION_FRAME_AFTER = (
    r"\s*[，,、]?\s*(?:这(?:个|种)?(?:说法|话)?(?:不对|不准确|是错的|是误解|不成立)|是误解|不对|"
    r"不准确|这是(?:违规|诋毁|误导)|属于|是违规|"
    r"(?:is|are|was) (?:wrong|not true|a myth|misleading|a violation|false)|isn't true|"
    r"(?:-|–|—)\s*that(?:'s| is) (?:a violation|disparagement|misleading|wrong))"
)
# Between two quotations that share one frame: punctuation, spaces, "or/和/或".
QUOTE_CHAIN = r"[\s，,、/；;：:。.]*(?:或者?|和|以及|还有|\bor\b|\band\b)?[\s，,、/；;：:]*"
# The agent quoting himself is still the agent speaking.
SELF_SPEECH = r"我(?:跟|和|给|对)?(?:您|你)?(?:说|讲|保证|承诺)|\bI (?:tell|told|promise|say)\b"
# Other people's words quoted by the agent.
QUOTING_OTHERS = (
    r"有人说|别人说|人家说|您说的|你说的|您听说|你听说|网上说|您朋友说|您同事说|邻居说|所谓|"
    r"很多人(?:以为|觉得|认为)|有人(?:以为|觉得|认为)|"
    r"\bpeople (?:say|think|assume)\b|\byou (?:mentioned|said|heard)\b|\bsomeone told\b|"
    r"\byour (?:colleague|friend)|\b(?:a lot of|many|most) people (?:think|assume|believe)\b"
)

# Names of contract terms that contain "保证"/"guaranteed" without promising anything.
GUARANTEE_TERMS = (
    r"最低保证(?:结算)?(?:利率)?|保证利益|保证(?:的)?(?:那)?(?:部分|一栏|栏)|保证续保|保证领取|"
    r"保证给付|保证期|(?:能|可以)?保证的(?:是|就是)(?!收益|回报|利息|分红|红利|\d)|保证(?:的)?(?:现金价值|保额)|(?:哪些|什么)是保证的|合同保证的只有|保证的只有|"
    r"\bguaranteed (?:minimum|floor|column|part|portion|cash values?|death benefit|renewal|"
    r"benefits?|values?|rate of \d|minimum rate)\b|\bminimum guaranteed\b|\bguaranteed and non\b|"
    r"\bonly the [^.;]{0,30} is guaranteed\b"
)
# Words that make a low stated rate the contract's floor.
FLOOR_CONTEXT = r"合同|最低|保底|minimum|contract|floor"

# "No waiting period" scoped to what really has none.
NO_WAITING_PERIOD_TYPES = frozenset({"accident", "annuity"})
NO_WAIT_SCOPE = r"意外|续保|年金|accident|renewal|renew|annuit"
ILLNESS_SCOPE = r"疾病|生病|重疾|病了|得病|因病|illness|disease|sickness|critical"
IMMEDIATE_COVER = (
    r"等待期|生效|当天|马上|立刻|立即|第二天|waiting period|kicks in|starts in|covered from|"
    r"day one|first day|right away|immediately"
)

# A sentence that corrects a belief rather than asserting it.
CORRECTION_ZH = (
    r"(?:说法不对|不对的|这不对|是误解|误会|纠正|不准确|不是这样|不是真的|不能这么说|"
    r"不能这样说|不好这么说|没有依据|有误|夸大|是错的|没有这回事|没这回事|没听说过?(?:有)?(?:这|什么)|"
    r"要纠正|得纠正)"
)
CORRECTION_EN = (
    r"(?:\bnot (?:true|right|correct|accurate)\b|\bcorrect (?:that|this|you)\b|\bmisunderstand|"
    r"\bmisconception\b|\bthat's a myth\b|\bisn't (?:true|right|accurate)\b|\bI can't say that\b|"
    r"\bno basis\b|\bwrong\b|\bcareful with (?:that|claims)\b|\bnot aware of any\b|"
    r"\bno such (?:notice|announcement|plan|thing)\b)"
)

# ---------------------------------------------------------------------------------------------
# Rule patterns: (regex, strength). Strength is how sure a hit alone makes us (0-1).
# ---------------------------------------------------------------------------------------------

RULE_PATTERNS: dict[str, list[tuple[str, float]]] = {
    "guaranteed_return": [
        # textbook
        (r"保证(?:的)?(?:收益|回报|盈利|赚钱|增值|年化|利息|分红|红利)", 0.9),
        (r"(?:收益|回报|分红|红利|利息)(?:是|都是|绝对|肯定|一定)?(?:有)?保证的", 0.85),
        (r"保本保息|保本又保息|保本保收益|保底收益|保底回报|保底分红|保底利率", 0.9),
        (
            r"(?:稳赚|包赚|只赚不赔|稳赚不赔|旱涝保收|稳赚不亏|只涨不跌|零风险|无风险|没有任何风险)",
            0.9,
        ),
        (
            r"(?:绝对|肯定|保准|一定|根本)?(?:不会|不可能|不可能会|没可能)(?:亏|赔钱|亏本|亏损|蚀本)",
            0.8,
        ),
        (r"亏不了|赔不了钱|不会少一分|一分(?:钱)?都不会少|只会多不会少|只多不少|只增不减", 0.85),
        (
            r"(?:每年|一年|年年)(?:都)?(?:保证|固定|稳定|肯定|铁定|至少|稳稳)(?:能)?(?:有|拿|给|赚|返)?"
            + RATE,
            0.85,
        ),
        (
            r"(?:保证|保底|固定|铁定|稳定)"
            + r"(?:的)?(?:收益|回报|年化|利率)?(?:是|为|有|在)?\s*"
            + RATE,
            0.75,
        ),
        # paraphrase: presenting a past / illustrated rate as the one to plan on
        (
            r"(?:就|您就|你就|直接)?按(?:照)?\s*"
            + RATE
            + r"\s*(?:来|去)?(?:算|规划|计算|打算|考虑|预期|估)",
            0.8,
        ),
        (r"(?:跑不了|少不了您的|稳拿|稳稳(?:当当)?(?:地)?拿|躺着(?:拿|赚))", 0.7),
        (CERTAIN + r"[^，。；,;]{0,8}?" + RATE, 0.75),
        (
            RATE + r"[^，。；,;]{0,6}(?:稳拿|跑不了|没问题|妥妥|锁定|铁定|是肯定的|有保证|保证的)",
            0.75,
        ),
        (
            r"(?:按|当|照|就当)(?:照|着|成)?[^，。；,;]{0,6}?"
            + RATE
            + r"[^，。；,;]{0,3}(?:来|去)?"
            r"(?:算|规划|计算|打算|考虑|预期|估)",
            0.8,
        ),
        (
            r"(?:一点|一丁点|任何|什么)?风险(?:都|也)?没有|没(?:有)?(?:任何|一点|什么)风险|旱涝保收",
            0.8,
        ),
        (
            r"只(?:会)?涨不(?:会)?(?:跌|降)|只升不降|稳涨|(?:本金|钱)(?:肯定|一定|保证|稳)(?:能)?翻(?:倍|番)|"
            r"板上钉钉|十拿九稳",
            0.8,
        ),
        (r"(?:从来|一直|从没|从未|就没)(?:都)?(?:没有?)?(?:往下)?(?:掉|降|跌|低于)(?:过)?", 0.6),
        (
            r"(?:市场|行情|经济)(?:再)?(?:怎么|如何)(?:变|波动|跌).{0,12}(?:不受影响|都是|照样|也不会)",
            0.75,
        ),
        (r"演示(?:的)?(?:收益|利率|数字).{0,6}(?:就是|肯定|一定|能拿到|都能)", 0.8),
        # English
        (
            r"\bguarantee(?:d|s)?\s+(?:an?\s+)?(?:\d+(?:\.\d+)?\s*%|return|returns|yield|income|"
            r"growth|profit|interest|dividends?)",
            0.9,
        ),
        (
            r"\b(?:return|returns|yield|dividends?|growth|interest)\s+(?:is|are)\s+(?:fully\s+)?"
            r"guaranteed\b",
            0.85,
        ),
        (
            r"\b(?:can't|cannot|can not|won't|never|will not|doesn't|does not)\s+(?:\w+\s+){0,2}"
            r"los(?:e|es|ing)\b",
            0.8,
        ),
        (
            r"\b(?:just|safely|simply|you can)\s+(?:assume|expect|count on|bank on|plan on|use)\s+"
            r"(?:a\s+)?(?:steady\s+|solid\s+)?\d+(?:\.\d+)?\s*%",
            0.8,
        ),
        (
            r"\bguaranteed to (?:double|triple|grow|earn|make|get|return|beat)\b|"
            r"\b(?:double|triple) your money\b",
            0.85,
        ),
        (
            r"\b(?:earn|get|make|receive)\s+(?:a\s+)?(?:solid|steady|safe|fixed|guaranteed|certain)\s+"
            r"\d+(?:\.\d+)?\s*%",
            0.8,
        ),
        (
            r"\b(?:that's|it's|is|are|all)\s+locked in\b|\bas safe as (?:it gets|a bank|houses)\b",
            0.75,
        ),
        (
            r"\b(?:risk[- ]free|no risk at all|zero risk|sure thing|safe bet|only goes up|"
            r"never goes down|locked[- ]in (?:return|rate|growth))\b",
            0.8,
        ),
        (
            r"\b(?:plan|count|bank|rely)\s+(?:\w+\s+){0,2}(?:on|upon|around|for)\s+"
            r"(?:a\s+|an\s+)?(?:steady\s+)?\d+(?:\.\d+)?\s*%",
            0.8,
        ),
        (
            r"\byou(?:'ll| will)\s+(?:definitely|certainly|always|surely)\s+(?:get|earn|make|see)\b",
            0.75,
        ),
        (r"\b(?:every|each) year,? (?:without fail|for sure|guaranteed)\b", 0.75),
        (
            r"\b(?:at least|minimum of|no less than)\s+\d+(?:\.\d+)?\s*%\s+(?:a|per|every)\s+year\b",
            0.7,
        ),
    ],
    "deposit_confusion": [
        (
            r"(?:就是|其实就是|说白了就是|本质上就是|相当于|等于|就当是|就当|当成|当作|像)"
            r"(?:把钱)?(?:存钱|存款|存银行|存定期|存单|储蓄|定存|银行存款|零存整取|理财产品|理财)",
            0.85,
        ),
        (
            r"(?:跟|和|与|像|同)[^，。；,;]{0,8}?(?:存款|定期|定存|存钱|存银行|存单|储蓄)[^，。；,;]{0,4}?"
            r"(?:一样|差不多|一个样|一回事|一个道理|类似|似的|没区别|没(?:什么)?两样|没(?:什么)?差别)",
            0.9,
        ),
        (
            r"(?:就是|其实是|说白了是|当成|当作|就当|看成|理解成|理解为)[^，。；,;]{0,8}?"
            r"(?:定期存款|存款|存单|储蓄罐|存折|存钱罐)",
            0.85,
        ),
        (
            r"(?:存单变保单|保单就是存单|存进去(?:就行|就好|就可以|利息)|往里存|存进来)",
            0.8,
        ),
        (
            r"(?:比|胜过|强过|好过)[^，。；,;]{0,4}?(?:银行|定期|定存|余额宝|存款|存银行)[^，。；,;]{0,4}?"
            r"(?:强|好|划算|高|香|合适|多)",
            0.8,
        ),
        (r"(?:利息|收益)(?:比|要比)(?:银行|定期|存款)(?:高|多)", 0.75),
        (r"连本带利|本金(?:加|和|连)利息|本息(?:一起)?(?:取|拿|领)", 0.75),
        (r"(?:随时|想用就|需要就|随用随)(?:能)?(?:取|拿|支取|取出来|拿出来)", 0.7),
        # English
        (
            r"\b(?:basically|just|really|essentially|simply|pretty much)\s+(?:a|an|like a|like an)\s+"
            r"(?:savings?|deposit|bank)\b",
            0.85,
        ),
        (
            r"\b(?:like|same as|just as|no different from|works like|the same thing as)\s+"
            r"(?:a\s+|an\s+|putting (?:it|money|your money) in(?:to)? (?:a|the)\s+)?"
            r"(?:fixed|bank|term|time|savings)\s+(?:deposit|account|bank)?",
            0.85,
        ),
        (
            r"\b(?:better|higher)[- ](?:paying|rate|interest)?\s*(?:than|version of)\s+(?:a\s+|the\s+|your\s+)?"
            r"(?:bank|deposit|savings|fixed deposit|CD)\b",
            0.75,
        ),
        (
            r"\bsavings account\b|\bdeposit account\b|\bput (?:your )?money in and take it out\b",
            0.8,
        ),
        (
            r"\b(?:withdraw|take (?:it|your money) out) (?:any ?time|whenever you (?:like|want))\b",
            0.7,
        ),
        (r"\bit's (?:still )?your (?:own )?money\b", 0.6),
    ],
    "exaggerated_coverage": [
        (
            r"(?:什么|啥|任何|所有|一切)(?:病|疾病|情况|意外|风险|问题)(?:都|全|统统|通通)(?:能|可以|给)?(?:赔|保|报|管|理赔|报销)",
            0.9,
        ),
        (
            r"(?:不管|无论|不论)(?:什么|啥|是什么|何种|哪种)(?:病|情况|原因|意外)?.{0,6}(?:都|全|一律)(?:给|会|能|可以)?"
            r"(?:赔|保|报|管)",
            0.9,
        ),
        (
            r"(?:只要|凡是)[^，。]{0,4}?(?:生病|住院|出事|有病|看病|受伤|意外)[^。]{0,12}?(?:就|都)(?:给|能|会|可以)?"
            r"(?:赔|保|报|管)",
            0.85,
        ),
        (
            r"(?:大病小病|小病大病|大小病|各种病|所有(?:的)?病|百病|啥病)[^，。]{0,4}(?:都|全|全都)(?:能|可以|给)?"
            r"(?:赔|保|报|管)",
            0.9,
        ),
        (
            r"(?:之前|以前|原来|已有|已经有|现有|本来)(?:的|就有的)?[^，。；]{0,6}?(?:也|都|照样|一样)(?:在)?"
            r"(?:保障范围|能赔|能报|能保|赔|报|管)",
            0.8,
        ),
        (
            r"照赔不误|照样(?:赔|报|保)|一样(?:赔|报)|没有(?:任何)?(?:免责|除外|限制)|啥情况都赔|no exceptions",
            0.8,
        ),
        (
            r"(?:没有|无|不设|免|零)等待期|(?:买了|投保|生效)(?:之后|以后|后)?(?:马上|立刻|当天|立即|第二天)(?:就)?(?:能用|生效|能赔|能报|有保障|保)",
            0.8,
        ),
        (
            r"(?:以前|之前|过去|原来|已有|已经有)的(?:老)?(?:毛病|病|疾病|病史).{0,6}(?:照样|也|都|一样)(?:能)?(?:赔|保|管|报)",
            0.9,
        ),
        (
            r"(?:既往症|旧病|慢性病|带病).{0,6}(?:照样|也|都|一样|同样)(?:能)?(?:赔|保|管|报)",
            0.9,
        ),
        (
            r"(?:全都保|全包|包治百病|包赔|保障(?:一切|全部|所有)|百分之百(?:赔|报)|全额(?:赔|报)(?:销)?(?:所有|一切))",
            0.8,
        ),
        (
            r"(?:现在|这几天|这两天|马上)(?:去)?(?:医院)?(?:检查|看病|住院).{0,8}(?:都|就)(?:能|可以)(?:赔|报)",
            0.85,
        ),
        # English
        (
            r"\b(?:covers?|pays? (?:for|out on)?|takes? care of)\s+(?:pretty much\s+|basically\s+|just\s+)?"
            r"(?:everything|anything|whatever|every (?:illness|condition|disease)|any (?:illness|"
            r"condition|disease|accident|situation))",
            0.9,
        ),
        (
            r"\b(?:everything|anything|whatever happens|every illness|any illness)\s+(?:is|"
            r"will be|gets)?\s*(?:covered|paid)",
            0.9,
        ),
        (
            r"\bno waiting period\b|\bwithout (?:any )?waiting period\b|\bstarts in "
            r"(?:from )?(?:day one|immediately|right away|straight away)\b|"
            r"\bcovered from (?:day one|the first day)\b",
            0.8,
        ),
        (
            r"\bpre-?existing (?:conditions?|illness(?:es)?)\s+(?:are|is|will be)?\s*(?:covered|fine|"
            r"no problem|included)\b|\b(?:covers?|pays? for) (?:your )?pre-?existing\b",
            0.9,
        ),
        (r"\bno matter (?:what|how)\b.{0,30}\b(?:pays?|covered|cover)\b", 0.8),
    ],
    "concealed_exclusions": [
        (
            r"(?:免责|责任免除|除外|不赔的(?:情况|条款)?|等待期|小字|细则|条款)(?:条款)?.{0,10}"
            r"(?:没几条|很少|不多|基本(?:上)?没有|几乎没有|可以忽略|忽略不计|不用看|不用管|别管|不用在意|"
            r"不重要|无所谓|形式|走个过场|都是标准|摆设|不用理)",
            0.9,
        ),
        (
            r"(?:那些|这些)?(?:小字|细则|条款|免责|等待期)(?:您|你)?(?:不用|不必|没必要|别)(?:看|管|在意|纠结|担心|操心|理会)",
            0.9,
        ),
        (r"(?:基本(?:上)?|几乎)(?:没有|不存在)(?:什么)?(?:不赔|免责|除外|限制)", 0.9),
        (r"(?:没人|不会有人|谁也不会)(?:抠|较真|细看|在意|管)", 0.75),
        (
            r"(?:退保|提前取|中途取|手续费|扣费|免赔).{0,10}(?:没多少|很少|可以忽略|不用担心|不用在意|没什么)",
            0.75,
        ),
        # English
        (
            r"\b(?:don't|do not|no need to|never) (?:worry|bother|read|look) (?:about |at )?"
            r"(?:the |those |that )?(?:fine print|small print|exclusions?|waiting period|clauses|"
            r"terms|charges|fees|details)\b",
            0.9,
        ),
        (
            r"\b(?:basically|practically|virtually|almost) no (?:exclusions|restrictions|limits)\b|"
            r"\bexclusions? (?:are|is) (?:just |only )?(?:boilerplate|a formality|"
            r"nothing)\b",
            0.9,
        ),
        (
            r"\b(?:fine|small) print\b.{0,40}\b(?:standard|doesn't matter|nothing|"
            r"formality|never matters|doesn't apply|irrelevant|not relevant)\b",
            0.85,
        ),
        (
            r"(?:条款|小字|细则|免责)[^。]{0,12}(?:看了也没用|没什么用|不影响(?:您|你)?(?:理赔|赔)|都是套话|不用细看)",
            0.85,
        ),
        (
            r"\b(?:charges?|fees?|penalt(?:y|ies)|deductible|exclusions?)\b.{0,60}\b(?:small|tiny|"
            r"negligible|nothing (?:to worry|much)|not (?:something|anything) (?:you need )?to worry)\b"
            r"(?! (?:hospital|medical|outpatient|claims?|bills?))",
            0.75,
        ),
    ],
    "induced_nondisclosure": [
        (
            r"(?:全|都|直接|就|一律|统统|全部|全都)(?:勾|选|填|打|点|按|写)(?:“|\")?(?:否|没有|无|不|“否”)",
            0.9,
        ),
        (
            r"(?:(?<![特区级派])别|不用|不要|没必要|不必|用不着)(?:往上)?(?:写|填|告知|报|提|说(?![“\"「])|申报|透露|勾)(?:了|上去|进去|这个|那个)?",
            0.6,
        ),
        (
            r"(?:他们|保险公司|公司|核保|系统)(?:也|又|根本|肯定|一般)?(?:查不到|查不出|不会查|不查|发现不了|不知道|核实不了|"
            r"看不到|不会发现)",
            0.85,
        ),
        (r"(?:没必要|犯不着|不值得|不用)(?:告诉|跟)?(?:保险公司|他们|核保)", 0.8),
        (r"(?:按|当)(?:没有|没|无)(?:来)?(?:理解|处理|填|写|算)", 0.85),
        (
            r"(?:职业|工种|工作)(?:那栏|那一栏|这栏)?.{0,12}(?:写|填|报)(?:个|成|一个)?(?:低风险|"
            r"好一点|简单|坐办公室|文员|内勤)",
            0.9,
        ),
        (r"(?:瞒|隐瞒|藏)(?:着|住|一下|下来)?(?:就行|就好|没事|不说)", 0.85),
        (r"(?:少写|漏写|不写)(?:也|也没|都)?(?:没事|没关系|行|可以|不要紧)", 0.85),
        # English
        (r"\bjust (?:tick|say|put|check|select|click) ['\"]?no\b", 0.9),
        (
            r"\b(?:leave|keep) (?:it|that|this|them) (?:off|out of) (?:the )?(?:form|application)\b",
            0.85,
        ),
        (
            r"\b(?:they|the insurer|underwriters?|the company)\s+(?:never|won't|will never|don't|"
            r"doesn't|rarely|can't|cannot)\s+(?:\w+\s+)?(?:check|verify|find out|look|care|know|notice|see)\b",
            0.85,
        ),
        (
            r"\b(?:nobody|no one)\s+(?:will|would|is going to|ever|really)\s+(?:check|verify|find out|know|"
            r"notice|look)",
            0.85,
        ),
        (
            r"\bjust (?:say|tell them|put|write) (?:that )?(?:you|he|she) (?:don't|do not|never|aren't|"
            r"haven't|didn't|are healthy|have no)",
            0.85,
        ),
        (
            r"\bleave (?:\w+\s+){0,3}(?:off|out of) (?:the )?(?:form|application|questionnaire)\b",
            0.85,
        ),
        (
            r"\b(?:no need to|don't|do not|wouldn't|I wouldn't)\s+(?:mention|declare|disclose|bring up|"
            r"put down|include|list)\b",
            0.75,
        ),
        (
            r"\b(?:put|write|list) (?:down )?(?:something|a job|an occupation) (?:safer|lower[- ]risk|"
            r"less risky)\b|\bcall yourself an? (?:office|desk)\b",
            0.85,
        ),
    ],
    "improper_benefit": [
        (
            r"(?:返|退|给|补)(?:您|你)(?!锁|算|讲|看|演示|按|说|保)(?:\S{0,6})?(?:两成|一成|[一二三四五六七八九十\d]+\s*(?:成|%|％|个点|点))",
            0.9,
        ),
        (r"(?:返佣|返点|返现|回扣|佣金(?:分|返|让)(?:给)?(?:您|你)|红包|好处费|介绍费)", 0.8),
        (
            r"佣金[^，。]{0,6}(?:给|返|分|让)(?:给)?(?:您|你)|(?:分|让|返)(?:给)?(?:您|你)[^，。]{0,4}佣金",
            0.9,
        ),
        (
            r"(?:送|给|赠)(?:您|你)(?:一|个|台|张|份|部|套|两)\S{0,10}(?:卡|券|机|器|礼|手机|电器|吹风|"
            r"油|米|锅|表|包|红包|现金|购物|超市|加油)",
            0.85,
        ),
        (r"(?:购物卡|超市卡|加油卡|礼品卡|京东卡|代金券|礼品|礼物|赠品)", 0.6),
        (
            r"(?:自掏腰包|我个人|我自己)(?:帮|替|给)?(?:您|你)?(?:承担|出|贴|补|垫|付)(?:一部分|一点|点|一半)?(?:保费|钱)?",
            0.85,
        ),
        (r"(?:意思意思|表示(?:一下)?心意|少不了(?:您|你)的好处)", 0.75),
        (
            r"(?:算下来|实际上|等于|相当于|折下来).{0,8}(?:比|比起)[^，。；]{0,4}?(?:价格|价钱|价|原价|定价|别处|别家|别人).{0,4}(?:便宜|划算|省)",
            0.75,
        ),
        (r"(?:保费|首年|第一年).{0,8}(?:打折|折扣|优惠|减免|我来出|我帮您出)", 0.7),
        # English
        (
            r"\b(?:give|pay|send|hand) you (?:\S+\s+){0,3}back\b|\bcash ?back\b|\brebates?\b|"
            r"\bkick-?backs?\b",
            0.85,
        ),
        (r"\b(?:from|out of|part of|share of|split|a cut of) (?:my|the) commission\b", 0.85),
        (r"\b(?:out of|from) my own pocket\b|\bknock (?:\d+\s*%|\w+ (?:yuan|dollars)) off\b", 0.85),
        (
            r"\b(?:I'll|I will|let me)\s+(?:\w+\s+){0,2}(?:cover|pay|chip in for|take care of)\s+"
            r"(?:part|some|a bit|half|\d+\s*%)\s+of\s+(?:your|the)\s+(?:first\s+)?(?:year's\s+)?premium",
            0.9,
        ),
        (
            r"\b(?:gift card|shopping card|voucher|free (?:phone|tablet|gift))\b|\bthrow in an?\b",
            0.75,
        ),
        (
            r"\bshare (?:my|the) commission\b|\bsplit (?:my|the) commission\b|\bpart of my commission\b",
            0.9,
        ),
    ],
    "proxy_signature": [
        (
            r"(?:我|我们|我这边)(?:来|先|就|可以|直接)?(?:替|帮|给|代)(?:您|你)(?:把)?(?:\S{0,8})?(?:签|签字|签名|代签|抄|手抄|录|确认|点确认)",
            0.9,
        ),
        (
            r"(?:签字|签名|名字|风险提示|提示语|抄录|那段话|双录|回访|投保单|告知书|确认书)(?:\S{0,4})?(?:我|我们)(?:来|也|都|先)?"
            r"(?:替|帮|代)(?:您|你)?(?:签|抄|弄|做|答|录|写|填|确认|搞定|完成)",
            0.9,
        ),
        (r"(?:代签|代抄|代录|代为签|代办签|代点)", 0.85),
        (r"验证码(?:\S{0,8})?(?:发|转发|告诉|给|念给|报给|读给)(?:我|给我)", 0.9),
        (
            r"(?:我|我们)(?:在|从)?(?:系统里|这边)(?:帮|替)?(?:您|你)?(?:\S{0,4})?(?:点|签|确认|勾|操作)(?:完|掉|好)?",
            0.65,
        ),
        (r"(?:回访|电话回访)(?:的时候)?(?:我|我们)(?:来|帮|替)(?:您|你)?(?:接|答|说)", 0.85),
        # English
        (
            r"\bI(?:'ll| will| can|'d)?\s+(?:\w+\s+)?sign\s+(?:it|this|that|the\s+\w+(?:\s+\w+)?|"
            r"everything)?\s*(?:for you|on your behalf|in your name)\b",
            0.9,
        ),
        (
            r"\b(?:forward|send|give|text|read out|tell)\s+me\s+(?:the\s+|your\s+)?(?:verification |sms |"
            r"one-time |confirmation |security )?(?:codes?|OTP|passcodes?|PIN)\b",
            0.9,
        ),
        (
            r"\b(?:take|answer|do)\s+the\s+(?:confirmation|verification|return|follow-up)\s+"
            r"call\s+for you\b",
            0.9,
        ),
        (
            r"\bcomplete\s+the\s+(?:e-?signature|signature|declarations?|confirmations?)\b.{0,30}"
            r"\b(?:for you|my side|myself)\b",
            0.9,
        ),
        (
            r"\bcopy (?:out )?the (?:risk )?statement for you\b|\bfill (?:it|everything) in and sign\b"
            r".{0,20}\bfor you\b",
            0.85,
        ),
    ],
    "competitor_disparagement": [
        (r"(?:理赔|赔付|赔钱)(?:特别|非常|很|太)(?:难|慢|麻烦)", 0.7),
        (
            r"(?:坑人|骗人|骗子|黑心|专坑|忽悠人|不靠谱|靠不住|打水漂|套路深|文字游戏|白买|垃圾产品|垃圾公司)",
            0.75,
        ),
        (r"(?:千万别|可别|最好别|千万不要)(?:买|碰|找|信)", 0.8),
        (
            r"(?:问题一大堆|快(?:要)?倒闭|"
            r"要(?:倒闭|破产|跑路)|哪天(?:就)?(?:倒|跑)了)",
            0.9,
        ),
        (
            r"(?:小公司|那种公司|那家公司|他们家|那家).{0,12}(?:不赔|拒赔|赔不了|不靠谱|有坑|猫腻|"
            r"陷阱|没保障)",
            0.8,
        ),
        (r"(?:真到|等到)(?:了)?(?:理赔|出事|赔钱)的时候(?:您|你)?就(?:知道|明白)了", 0.7),
        # English
        (
            r"\b(?:they|them|their company|that company|that insurer|those guys)\b.{0,20}\b(?:never|"
            r"rarely|won't|don't|refuse to)\s+pay\b",
            0.9,
        ),
        (r"\b(?:steer clear of|avoid|wouldn't touch)\s+[A-Z]\w+", 0.75),
        (
            r"\b(?:scam|scams|rip-?off|fly-by-night|crooks|shady|dodgy|going bust|about to go under|"
            r"nearly went under|insolvent|can't be trusted)\b",
            0.8,
        ),
        (
            r"\b(?:notorious|infamous)\s+for\b|\bgood luck (?:getting|with) (?:a |your )?claim\b",
            0.85,
        ),
        (
            r"\b(?:they|their \w+(?: \w+)?)\b.{0,30}\b(?:deny (?:everything|every claim|claims|all)|a nightmare|"
            r"drag their feet|find any excuse|impossible to claim|terrible (?:at|with) claims)",
            0.85,
        ),
    ],
    "false_urgency": [
        (
            r"(?:就要|马上|即将|快要?|下(?:个)?月|月底|今晚|明天|周末|年底|下周|近期|很快)(?:就)?(?:要)?"
            r"(?:停售|下架|涨价|调价|提价|恢复原价|没了|截止|结束)",
            0.9,
        ),
        (r"(?:停售|下架|涨价|调价|提价)(?:了|啦)", 0.7),
        (
            r"(?:马上|即将|快|下(?:个)?月|月底|今晚|明天|周末|年底|下周|近期|很快|下季度|过几天|这个月|月初|年初|节后)"
            r"[^，。；]{0,8}(?:停售|下架|涨价|调价|提价|上调|恢复原价|没得卖|截止)",
            0.85,
        ),
        (r"现在(?:买|定|办|投)(?:最|还)?(?:划算|合适|便宜|来得及)", 0.6),
        (
            r"(?:要|会|得)(?:调整|上调|涨|变贵)(?:了)?.{0,16}(?:买到的就少|就贵|就亏|划不来|别拖|抓紧)",
            0.85,
        ),
        (
            r"(?:小道消息|据说|听说).{0,16}(?:停售|下架|涨价|调价|调整|上调)",
            0.85,
        ),
        (
            r"(?:过了|错过)(?:这个月|今天|本周|这周|这次|这村|今晚)(?:就)?(?:没有?了|买不到|没这个|没这价|涨)",
            0.9,
        ),
        (
            r"(?:最后一天|最后(?:几|两|三)天|最后(?:的)?机会|仅限今天|名额(?:有限|不多)|卖完就没)",
            0.8,
        ),
        (
            r"(?:最好|赶紧|赶快|抓紧|尽快)(?:今天|今晚|这两天|这几天|马上)?(?:就)?(?:定|下单|买|办|签|决定)"
            r"(?:下来)?",
            0.7,
        ),
        (r"(?:别|不要|不能)(?:再)?(?:拖|犹豫|等)(?:了)?", 0.55),
        (r"(?:随时(?:可能)?(?:停售|下架|涨价))", 0.85),
        # English
        (
            r"\b(?:being|to be|getting|will be)\s+(?:withdrawn|discontinued|pulled|retired|repriced)\b",
            0.9,
        ),
        (
            r"\b(?:premiums?|prices?|rates?)\s+(?:\w+\s+){0,5}(?:go(?:es|ing)? up|ris(?:e|es|ing)|"
            r"increas(?:e|es|ing)|jump(?:s|ing)?)\b",
            0.8,
        ),
        (
            r"\b(?:go(?:es|ing)?|com(?:e|es|ing)) off (?:sale|the market|the shelf)\b|\bdecide (?:now|today|"
            r"tonight|right away)\b|\b(?:need|have) to (?:decide|sign|act) (?:now|today|quickly|fast)\b",
            0.8,
        ),
        (r"\block (?:it|this|that|the (?:price|rate)) in\b", 0.7),
        (
            r"\blast (?:chance|day)\b|\bwon't (?:last|be around)\b|\boffer ends\b|"
            r"\bonly (?:until|till) (?:tonight|tomorrow|friday|the end)\b",
            0.85,
        ),
        (
            r"\b(?:wouldn't|shouldn't|don't) (?:wait|delay|hang about)\b|\block in (?:the current|this) (?:rate|price)\b",
            0.7,
        ),
        (
            r"\b(?:off the (?:market|shelf)|gone) (?:by|after|at the end of|next|soon|tomorrow)\b",
            0.85,
        ),
    ],
    "regulator_endorsement": [
        (
            r"(?:国家|政府|监管(?:部门|机构|局)?|银保监(?:会)?|保监会|金融监管总局|央行|人民银行)(?:来|给|在)?"
            r"(?:担保|兜底|背书|保证|保障|作保|撑腰|托底|负责|兜着底|托着底|兜着|管着)",
            0.9,
        ),
        (
            r"(?:国家|政府|监管(?:部门|机构)?|银保监(?:会)?|保监会|金融监管总局)[^，。；]{0,8}?(?:做|作|来|给)?"
            r"(?:担保|兜底|背书|作保|撑腰|托底)",
            0.85,
        ),
        (
            r"(?:国家|政府|监管(?:部门)?|银保监(?:会)?|保监会|金融监管总局)(?:批准|认证|认可|推荐|审批|盖章)(?:的|过)",
            0.75,
        ),
        (r"(?:跟|和|与)(?:政府|国家|社保|医保局)(?:\S{0,4})?合作的?(?:项目|产品)", 0.8),
        (r"(?:收益|本金|钱)(?:\S{0,4})?国家(?:都)?(?:是)?(?:有)?(?:保障|保证|担保|兜着)", 0.9),
        (r"(?:国字号|国家队|政府项目|惠民工程|国家政策性).{0,6}(?:不会|没有)(?:问题|风险|亏)", 0.7),
        # English
        (
            r"\b(?:government|state|regulator|regulators|CBIRC|NFRA|authorities)[- ](?:backed|"
            r"guaranteed|endorsed|approved|protected)\b",
            0.9,
        ),
        (
            r"\b(?:the\s+)?(?:government|state|regulator|regulators|authorities)\s+(?:\w+\s+){0,2}"
            r"(?:guarantees?|stands? behind|backs?|endorses?|underwrites?|vouches? for)\b",
            0.9,
        ),
        (
            r"\bapproved (?:and (?:backed|guaranteed) )?by the (?:state )?(?:regulator|"
            r"government|authorities)\b",
            0.8,
        ),
        (r"\bprotected by the (?:state|government|regulator)\b", 0.9),
        (
            r"\b(?:endorsed|guaranteed|backed|underwritten|recommended|vouched for) by (?:the )?(?:national |"
            r"state )?(?:regulator|government|state|authorities|CBIRC|NFRA)\b",
            0.9,
        ),
    ],
    "premium_handling": [
        (
            r"(?:现金|钱|保费|首期)(?:\S{0,4})?(?:交给|给|转给|打给|拿给)(?:我|我这|我这里|我这边)",
            0.85,
        ),
        (
            r"(?:我|我这边)(?:回去|来|统一|替您|替你)?(?:帮|替)(?:您|你)(?:\S{0,4})?(?:交|缴|转|付)(?:上|到|给)?",
            0.8,
        ),
        (
            r"(?:转|打|付|汇|交)(?:到|给|进)?(?:我|我的)(?:个人)?(?:的)?(?:卡|账户|账号|微信|支付宝|银行卡)",
            0.9,
        ),
        (r"(?:扫|用)(?:一下)?(?:我|我的)(?:个人)?(?:\S{0,4})?(?:码|二维码|收款码)", 0.9),
        (r"(?:收款账户|收款人|账户|账号|卡号)(?:\S{0,6})?(?:填|写|留)(?:我|我的)", 0.9),
        (r"(?:赔款|理赔款|退保金|钱下来).{0,10}(?:打到|转到|先到|到)(?:我|我的)", 0.85),
        (r"(?:我|我这边)(?:取出来|先收|代收|收着|收了)(?:再)?(?:给|交|转)", 0.8),
        (
            r"(?:理赔款|赔款|退保金|保险金|赔付款|保费)[^，。]{0,6}(?:我|我来|我先)(?:帮|替|代)(?:您|你)?(?:领|收|拿|取)",
            0.85,
        ),
        (
            r"(?:我|我来|我先)(?:帮|替|代)(?:您|你)(?:把)?(?:理赔款|赔款|退保金|保险金|钱)?(?:领|收|取)(?:了|出来|一下)",
            0.8,
        ),
        # English
        (
            r"\b(?:pay|hand|transfer|wire)\s+(?:it\s+|the\s+(?:cash|money|premium)\s+)?(?:to\s+)?me\b"
            r"|\bgive\s+(?:it|the (?:cash|money|premium))\s+to me\b|\bgive me the (?:cash|money|premium)\b",
            0.75,
        ),
        (
            r"\bpay\s+(?:it|up|the premium)?\s*(?:with|through|to)\s+me\s+(?:directly|personally|"
            r"in cash)\b",
            0.9,
        ),
        (
            r"\b(?:to|into|via|through|using) my (?:personal |own )?(?:account|wechat|alipay|card|"
            r"bank account|QR code)\b",
            0.8,
        ),
        (r"\b(?:in cash|cash)\b.{0,30}\b(?:I'll|I will)\s+(?:pass|pay|hand|take)\s+it\b", 0.85),
        (
            r"\bI(?:'ll| will)\s+(?:collect|take)\s+(?:the\s+)?(?:cash|money|premium|payout|claim money)\b",
            0.85,
        ),
    ],
}

# A rule's hit is dropped when the SAME sentence also says one of these (the agent is
# disclaiming, correcting or explaining, not asserting).
SENTENCE_GUARDS: dict[str, str] = {
    "guaranteed_return": (
        r"不保证|不是保证|不能保证|无法保证|没法保证|不确定|不一定|只是假设|都是假设|仅供参考|"
        r"可能(?:会)?(?:下调|调低|降低|往下|更低|没有|亏|损失|调整|变|为零|是零)|会有损失|有风险|不代表|"
        r"要看|取决于|(?:是|都是|会|有|可能)浮动|浮动的|只是演示|都是演示|可分配盈余|\bdepends? on\b|\bsurplus\b|\bcan go down\b|"
        r"\bnot (?:a forecast|a promise|locked)\b|\bno forecast\b|not guaranteed|"
        r"isn't guaranteed|aren't guaranteed|no guarantee|can't guarantee|cannot guarantee|"
        r"\billustrat\w*\b[^.;]{0,20}\b(?:only|just|assum\w*|not (?:a|what)|hypothetical)|"
        r"\b(?:only|just|merely) (?:an? )?illustrat|\bassumptions? only\b|hypothetical|could be lower|may be lower|can be lower|could lose|can lose|"
        r"might lose|may lose|not certain|保证续保|guaranteed renewal|现金价值|cash value|sum assured"
    ),
    "deposit_confusion": r"不是存款|不是储蓄|不是一回事|两回事|两码事|不一样|(?<!没)不同|(?<![没么])区别|不能比|没法比|不是一类|not a deposit|"
    r"isn't a (?:deposit|savings)|not (?:a )?savings|not the same|different from",
    "exaggerated_coverage": r"不是什么病|并不是所有|不是所有|不是都|并非都|有些不赔|不赔的情况|不在保障|"
    r"只赔|只保|只报|列明|\bonly (?:pays?|covers?)\b|\bdefined in\b|\blisted in\b|"
    r"\bnot (?:for )?(?:every|all|any)\b|declared|underwrit|"
    r"除外承保|核保|免赔|扣除|范围内|合同约定|约定的|合理且必要|社保目录|not everything|doesn't cover everything|not all|\bexcept (?:for|when|if)\b|excluded",
    "regulator_endorsement": r"不是国家|不等于|不代表|不能说|也不能|并不|(?:没有|没|不|并不|未)\S{0,3}(?:担保|兜底|背书)|"
    r"not government|isn't government|"
    r"doesn't mean|does not mean|isn't backed|not backed",
    "competitor_disparagement": r"没有依据|不好这么说|不能这么说|不清楚|不了解|公开披露|都是公开|"
    r"no basis|can't say|wouldn't say|don't know that",
    "proxy_signature": r"必须|本人|亲自|不能代|不可以代|不行|不能替|违规|yourself|must sign|can't sign "
    r"for you|cannot sign for you|not allowed",
    "premium_handling": r"不能收|不收|不可以收|违规|公司账户|对公|本人(?:的)?(?:银行卡|账户)|"
    r"can't take|cannot take|company account|not allowed",
    "improper_benefit": r"违规|不能给|不可以|不允许|不能返|没有返|not allowed|can't offer|cannot offer|"
    r"against the rules|no rebates?",
    "induced_nondisclosure": r"如实|照实|一定要写|要写上|都写上|实际情况|truthfully|fully|declare it|"
    r"smoke-free|quit for|once you(?:'ve| have) (?:quit|stopped)|"
    r"put (?:it|that) down|please do",
    "false_urgency": r"不着急|不用急|不急|慢慢|没有(?:停售|涨价|调价)|不会(?:停售|涨价)|随年龄|年龄(?:增长|增加)|"
    r"生日|大一岁|投保年龄|官网|公告|自己查|可以查|查得到|\bbirthday\b|\bpublished\b|\bnotice\b.{0,40}"
    r"\b(?:yourself|link|website|check)\b|\bread it yourself\b|"
    r"no rush|no hurry|take your time|no pressure|with age|as you get older|each birthday",
    "concealed_exclusions": r"等待期(?:是|为|有)?\s*\d|\d+\s*天(?:的)?等待期|不在保障范围|比如|例如|"
    r"\d+-day waiting|for example|such as",
}

# A whole agent turn that disclaims certainty silences weak return claims in it.
TURN_GUARDS: dict[str, str] = {
    "false_urgency": r"不着急|不用急|慢慢考虑|没有停售|没有(?:任何)?(?:停售|涨价|调价)的?(?:通知|消息|计划)|"
    r"\bno rush\b|\bno hurry\b|\btake your time\b|\bno deadline\b|\bin your own time\b|"
    r"\bnot aware of any\b",
    "guaranteed_return": r"不保证|不是保证的|不能保证|只是假设|只是演示|not guaranteed|no guarantee|"
    r"aren't guaranteed|isn't guaranteed|illustration only",
}

# Rules where a negation right before the hit flips it ("这不是国家担保", "it's not a deposit").
NEGATABLE_RULES = frozenset(
    {
        "guaranteed_return",
        "deposit_confusion",
        "exaggerated_coverage",
        "regulator_endorsement",
        "competitor_disparagement",
        "false_urgency",
        "improper_benefit",
        "proxy_signature",
        "premium_handling",
    }
)

# ---------------------------------------------------------------------------------------------
# Context: what the customer just asked, and how an agent brushes it off.
# ---------------------------------------------------------------------------------------------

CUSTOMER_ASKS_LIMITS = (
    r"退的话|退了|拿回多少|亏多少|损失多少|扣多少|扣不扣|扣钱|扣费|随时取|用钱|急用|取出|"
    r"等待期|不赔|免责|除外|条款|小字|细则|坑|限制|退保|提前取|中途|拿出来|手续费|免赔|高风险|不保|"
    r"exclusion|waiting period|fine print|small print|not covered|isn't covered|catch|"
    r"early|withdraw|surrender|charges?|fees?|penalt|deductible|limit|cancel|get out|money back|"
    r"take (?:the |my )?money out|what if I|claim"
)
AGENT_DISMISSES = (
    r"不用管|别管|不用看|不用纠结|别纠结|不用担心这些|不用在意|"
    r"碰不上|遇不到|没几条|不会有问题|没什么影响|不重要|无所谓|"
    r"走个形式|看了也没用|没什么用|不影响(?:您|你)?"
    r"(?:理赔|赔付|赔)|都是套话|律师写的|不用细看|不用仔细看|不值一提|可以忽略|不用放在心上|"
    r"never matters|doesn't apply to you|won't apply to you|not relevant|irrelevant|legal jargon|"
    r"don't worry|no need to worry|"
    r"boilerplate|doesn't matter|nothing to worry|tiny|\bsmall\b|\bminor\b|\btrivial\b|"
    r"\b(?:no|not|nothing)\b[^.]{0,20}\bto worry about\b|negligible|"
    r"I wouldn't worry|never comes up|rarely matters|"
    # denials of a real limitation, in answer to a question about it
    r"不会的|没有的事|不存在的|都是全额|全额(?:退|拿回)|差不了多少|拿回不少|亏不了|^不扣|不扣(?:钱|费)?[，。,]|"
    r"不收(?:钱|费)|随时(?:都)?能取|基本没有|几乎没有|^没有[，。,]|放心好了|本金(?:肯定|都|一直)在|没什么损失|没损失|用不上|不用操心|用不着|"
    r"\bbarely notice\b|\brarely comes? into play\b|\bhardly ever\b|\bno (?:charge|fee|penalty|loss)\b|"
    r"\bfull refund any ?time\b|\byou get (?:it all|everything) back\b"
)

CUSTOMER_ASKS_DECLARE = (
    r"要写吗|要不要写|要填吗|要不要填|要写上吗|写上吗|要填上吗|用写吗|用填吗|需要写|需要填|需要告知|要报吗|写不写|填不填|要告知吗|要说吗|要不要说|要紧吗|有影响吗|影响投保|能买吗|"
    r"健康告知|不写|不填|告诉他们|does (?:that|this|it) matter|should I (?:mention|declare|put|include|"
    r"list)|do I (?:need|have) to (?:mention|declare|put|list|disclose)|leave (?:that|it) off|"
    r"on the form|application"
)
AGENT_DISCOURAGES_DECLARE = (
    r"没必要|不用写|不用填|别写|别填|不写也|不算|查不到|不会查|反而麻烦|"
    r"不值得写|犯不着|不用提|wouldn't bother|no need|won't matter|too long ago|"
    r"\b(?:don't|do not) think (?:they|the insurer|underwriting|anyone)(?:'ll| will|'d| would) "
    r"(?:care|mind|notice|check|ask)\b|\b(?:only|just) (?:list|put|include|mention|declare) (?:the )?"
    r"(?:recent|latest|major|big)\b|"
    r"\bskip\b|leave it out|leave that out|not worth (?:the hassle|mentioning)|"
    r"wouldn't worry about (?:it|that)|"
    r"写不写都一样|填不填都一样|说不说都一样|不写(?:还|更|也)|那么久了|太久了|过去那么久|早就好了|不算病|"
    r"\bleave (?:that|it) out\b|\bonly (?:complicates|slows)|\bcomplicates? things\b"
)

CUSTOMER_ASKS_PAY = (
    r"怎么交|怎么付|怎么缴|交钱|付钱|保费怎么|转账|现金|不会用手机|how do I pay|how to pay|payment|"
    r"pay (?:you|for it)|cash"
)
AGENT_ROUTES_PAY_TO_SELF = (
    r"给我|交给我|我帮您交|我帮你交|我替您|我来交|我这边(?:统一|帮|代)|with me directly|to me|"
    r"through me|my account|hand it to me|I'll (?:sort|handle|take care of) (?:the )?payment"
)

# ---------------------------------------------------------------------------------------------
# Checkpoints and session signals.
# ---------------------------------------------------------------------------------------------

COMPANY = r"[\u4e00-\u9fff]{2,6}?(?:人寿|保险|健康险?|财险|养老|寿险|保险代理|保险经纪)(?:公司|股份有限公司)?"
LICENCE = r"执业证|执业编号|展业证|工号|从业编号|licen[cs]e (?:number|no)|agent (?:number|id|code)"
COMPANY_EN = (
    r"\b(?:from|with|at|of|representing)\s+(?:[A-Z][\w&'-]*\s+){0,3}(?:Life|Insurance|Assurance|"
    r"Health|Mutual|Insurers?|Group)\b"
)
INTRO_ZH = r"(?:我是|我叫|本人是|本人|这里是|这边是|我姓名是|我的名字是)"
INTRO_EN = (
    r"\b(?:I'm|I am|this is|it's|it is|my name is|name's)\s+([A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)"
    r"|\b([A-Z][a-z]+\s+[A-Z][a-z]+)\s+here\b"
)
EN_NOT_NAMES = frozenset(
    {"calling", "here", "just", "sorry", "glad", "happy", "following", "from", "with", "the", "a"}
)
# Common Chinese family names, to tell a full name ("林晓燕") from a nickname ("小林").
SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕"
    "丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃"
    "武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒"
    "阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司"
    "卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁"
    "沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)
TITLE_WORDS = (
    r"代理人|顾问|保险顾问|理财顾问|理财经理|客户经理|经理|业务员|专员|规划师|销售|主管|同学|同事|朋友|"
    r"老乡|邻居|的"
)

QUESTION_TOPICS: dict[str, str] = {
    "age": r"多大|几岁|年龄|岁数|年纪|哪年(?:出)?生|\bhow old\b|\bage\b|\bborn\b",
    "family": r"家里|孩子|小孩|老人|父母|爱人|老婆|老公|配偶|几口人|上几年级|孙|子女|\bkids?\b|"
    r"\bchildren\b|\bfamily\b|\bspouse\b|\bwife\b|\bhusband\b|depend(?:s|ing|ants?)? on|\brely on\b",
    "income": r"收入|工资|挣|赚多少|结余|开销|开支|够花|\bincome\b|\bsalary\b|\bearn\b|\bexpenses\b",
    "occupation": r"工作|职业|做什么|干什么|干哪|上班|工种|上高|工地|开车|出差|\bwork\b|\bjob\b|"
    r"\boccupation\b|\bdo for a living\b",
    "health": r"身体|健康|病|住院|手术|体检|吃药|检查|\bhealth\b|\bsurgery\b|\bhospital\b|"
    r"\bmedication\b|\bcondition\b",
    "existing_cover": r"医保|社保|保险|保障|保单|团险|商业险|\bcover\b|\binsurance\b|\bpolicy\b|"
    r"\binsured\b|\bthrough work\b|\bemployer\b",
    "debts": r"房贷|车贷|贷款|欠|负债|\bmortgage\b|\bloans?\b|\bdebt\b",
    "budget": r"预算|能拿出|打算花|每年交多少合适|\bbudget\b|\bafford\b",
    "goals": r"担心|打算|用处|用途|想要|目的|主要是|规划|准备|\bworr(?:y|ied)\b|\bhoping\b|\bmainly\b|"
    r"\bgoals?\b|\bplan(?:s|ning)? (?:to|for)\b|\bneed (?:a|the) payout\b|\bneed this money\b",
    "horizon": r"多久|多少年|几年|什么时候|动用|会不会动|要动|周转|\bhow long\b|\bhow many years\b|"
    r"\bwithin the next\b|\buntouched\b|\bneed (?:this|the) money\b",
    "retirement": r"退休|养老金|\bretire|\bpension\b",
    "assets": r"存款|积蓄|闲钱|手上|理财|投资|\bsavings\b|\bemergenc|\binvestments?\b|\bassets\b",
}
# Questions that confirm the reason for the call or push for a close are not discovery.
NON_DISCOVERY_QUESTION = (
    r"想了解|对吧|是吧|是不是想|方便|考虑得怎么样|觉得怎么样|怎么样了|可以吗|行吗|好吗|要不要(?:买|定|办)|"
    r"\byou asked\b|\byou wanted\b|\bwhat do you think\b|\bshall we\b|\bready to\b|\bsound good\b|"
    r"\bany questions\b|\bfew minutes\b|\bgood time\b|\bokay\?$"
)

WAITING_PERIOD_CONCRETE = (
    r"等待期(?:是|为|有|只有|一般是|一般为)?\s*(?:\d+|[一二三四五六七八九十百]+)\s*(?:天|日|个月)|"
    r"(?:\d+|[一二三四五六七八九十百]+)\s*(?:天|日|个月)(?:的)?(?:等待期|观察期)|"
    r"\b\d+[- ]day (?:waiting|observation) period\b|\bwaiting period (?:is|of) \d+"
)
EXCLUSION_TERMS = (
    r"不赔|不保|不在(?:保障|保险)?(?:范围|责任)|不属于保障|免责|责任免除|除外|不报|不给赔|不承担|不算意外|"
    r"\b(?:isn't|is not|aren't|are not|won't be|not)\s+covered\b|\bexcluded\b|\bexclusions?\b|"
    r"\bwon't pay\b|\bdoesn't pay\b|\bdoes not pay\b"
)
EXCLUSION_CAUSES = (
    r"自杀|酒驾|醉酒|酒后|无证|吸毒|毒品|猝死|既往|投保前|已有的|已经有的|以前的病|高风险|攀岩|潜水|跳伞|"
    r"蹦极|赛车|战争|核|犯罪|斗殴|整容|先天|遗传|怀孕|分娩|等待期|除外承保|"
    r"\bsuicide\b|\bdrunk|\balcohol|\bdrugs?\b|\bpre-?existing\b|\bhazardous\b|\bextreme sports?\b|"
    r"\bwar\b|\bcriminal\b|\bself-inflicted\b|\bcongenital\b|\bpregnan|\bwaiting period\b"
)

# One-year products (short-term medical and accident cover) have no cooling-off period.
SHORT_TERM_TYPES = frozenset({"medical", "accident"})
SHORT_TERM = r"一年期|短期|1年期|\bone-year\b|\bshort-term\b|\bannual (?:plan|policy)\b"
# The cooling-off period described without its name: days after delivery to cancel.
COOLING_OFF_DESCRIBED = (
    r"(?:签收|送达|收到|拿到)(?:保单|合同)?(?:后|以后|之后)[^。]{0,12}(?:\d+|[一二三四五六七八九十]+)\s*天"
    r"[^。]{0,24}(?:退|解除|撤销)|\b(?:within|for) \d+ days (?:of|after) (?:receiving|delivery|you "
    r"receive)[^.]{0,40}\b(?:cancel|refund)"
)
COOLING_OFF_TERM = r"犹豫期|冷静期|cooling[- ]off(?: period)?|free[- ]look(?: period)?"
COOLING_OFF_MEANING = (
    r"\d+\s*(?:天|日)|[十一二三四五六七八九]+\s*(?:天|日)|退|撤销|解除|取消|\d+[- ]day|cancel|refund|"
    r"return|money back|full premium|change your mind"
)

DISCLOSURE_DUTY = (
    r"如实(?:告知|填|写|说|申报|回答|勾选|披露)?|照实(?:写|填|说|告知)?|据实|实事求是|按实际情况(?:写|填|告知|报)|"
    r"(?:健康告知|职业|告知事项).{0,12}(?:一定要|都要|要)(?:写|填|告知)(?:上|清楚)?|告知义务|"
    r"\btruthful(?:ly)?\b|\bduty (?:to|of) disclos|\bfully and accurately\b|\bhonestly\b.{0,20}"
    r"\b(?:answer|declare|disclose)|\bdeclare (?:it|everything|all|any)\b|\bdisclose (?:it|everything|all|any)\b"
)

CUSTOMER_AGREES = (
    r"(?:那就|就|那我就?|我就?|先|给我|帮我|那给我|那帮我)\s*(?:买|投|办|申请|签|定|上|放|来|要)(?:了|吧|一份|一个|"
    r"这个|这款|个|份|\d|[一二三四五六七八九十两百千万]+)?|"
    r"(?:买|投|办|申请|签|定)(?:吧|了吧)|就这么(?:办|定|说定)|按(?:你|您)说的(?:办|来)|按这个(?:方案)?(?:办|来|申请|投)|"
    r"(?:在|找)(?:你|您)(?:这儿|这里|这边)(?:买|投|办)|就(?:你们|您们)(?:家|这款|这个)|定下来了?|成交|"
    r"(?:那就|就|那|先|我)给[\u4e00-\u9fff]{1,4}?(?:买|投|办|上)(?:一份|一个|个|份|吧|了)|"
    r"\blet'?s (?:just )?(?:do (?:it|this|that|\d)|go ahead|go for it|apply|proceed|sign|get (?:it|started))\b|"
    r"\bsign me up\b|\bI'?m in\b|\bI'?ll (?:take it|go ahead|buy|sign|apply)\b|\bcount me in\b|"
    r"\bwhere do I sign\b|\bgo ahead with\b|\b(?:it's|that's) a deal\b|\bI'll have it\b"
)
CUSTOMER_DEFERS = (
    r"再考虑|考虑考虑|考虑一下|再想想|想一想|商量|回头(?:看|再)|再说|再看看|看看再|回去看|回去算|比比|比一比|"
    r"先不|不买|不要了|算了|不需要|下次|改天|答复|再联系|"
    r"\bthink (?:about|it over)\b|\bget back to you\b|\blet me (?:look|check|think|talk)\b|\bnot now\b|"
    r"\bmaybe later\b|\bnot interested\b|\bno thanks\b|\btalk (?:it over|to my)\b|\bsleep on it\b"
)
NEXT_STEP = (
    r"发(?:您|你)|给(?:您|你)发|送过去|送过来|带过来|明天|后天|下周|周[一二三四五六日末]|[0-9一二三四五六七八九十]+点|"
    r"回头|再联系|打(?:电话)?给(?:您|你)|给我打电话|约|见面|上门|链接|投保单|资料|方案|"
    r"\bsend\b|\bemail\b|\bcall you\b|\bcall me\b|\bmeet\b|\btomorrow\b|\bnext week\b|\bmonday\b|"
    r"\btuesday\b|\bwednesday\b|\bthursday\b|\bfriday\b|\bform\b|\bapplication\b|\bbrochure\b|"
    r"\bin touch\b|\blink\b|\bo'clock\b|\b\d{1,2}(?::\d\d)?\s?(?:am|pm)\b"
)
CUSTOMER_REFUSES = r"不用了|不需要|别再|不要再|没兴趣|不感兴趣|挂了|\bnot interested\b|\bdon't call\b|\bno thanks\b"
# A customer voicing an objection in an imported call (practice sessions know their persona's own
# objections): the price, needing time or the spouse, no need, distrust, rather investing. Plain
# facts ("我有医保") are not objections; a doubt or a refusal is.
CUSTOMER_CONCERN = (
    r"太贵|有点贵|挺贵|好贵|真贵|贵了|不便宜|负担不起|交不起|负担(?:太|挺|有点)?重|预算(?:不够|有限|超了)|"
    r"再(?:考虑|想想|看看)|考虑(?:一下|考虑)|我(?:得|要)?想想|以后再说|再说吧|回头再说|"
    r"(?:跟|和|问问)(?:我)?(?:老公|老婆|爱人|家里人?|先生|太太|媳妇)(?:商量|说一下|问问|再说)|商量(?:一下|商量)|"
    r"不需要|用不上|用不着|没(?:什么)?必要|还年轻|"
    r"已经(?:有|买)了?(?:保险|社保|医保|团险)了?[，,]?\s*(?:不需要|够了|就够|没必要)|"
    r"骗人|骗子|骗钱|忽悠|坑人|不靠谱|不(?:太)?(?:放心|相信|信任)|理赔(?:难|麻烦|很慢)|(?:会|怕|到时候)不赔|"
    r"收益.{0,3}(?:低|不高|少)|不如(?:买)?(?:基金|股票|理财|存银行|存定期)|亏钱|亏本|怕亏|会不会亏|"
    r"\btoo expensive\b|\b(?:a bit|quite|pretty|rather|very) (?:expensive|pricey)\b|\bcan(?:'t|not) "
    r"afford\b|\bover (?:my|our) budget\b|\bthink (?:about it|it over)\b|\bneed (?:some )?time\b|"
    r"\bget back to you\b|\bsleep on it\b|\b(?:talk|speak) (?:to|with) my (?:wife|husband|partner|"
    r"spouse|family)\b|\bask my (?:wife|husband|partner|spouse)\b|\bdon't (?:really )?need\b|"
    r"\bno need\b|\bnot necessary\b|\bI'?m (?:still )?(?:too )?young\b|\balready (?:have|got) "
    r"(?:enough|plenty)\b|\bscam\b|\brip[- ]?off\b|\bdon't trust\b|\bnot sure I trust\b|"
    r"\bnever pay\b|\bwon't pay (?:out|claims)\b|\brather invest\b|\bbetter returns\b|"
    r"\breturns? (?:is|are) (?:too )?low\b|\blose (?:my )?money\b"
)

# Text addressed to an automated grader rather than to the customer.
GRADER_ADDRESSEE = (
    r"系统|AI|ＡＩ|人工智能|评分|打分|质检|审核|模型|机器人|评估|\bAI\b|\bgrader\b|\bgrading\b|\bscorer\b|"
    r"\bscoring\b|\bevaluator\b|\bassistant\b|\bLLM\b|\blanguage model\b|\bcompliance (?:system|"
    r"checker|bot|model|grader|review)\b|\breviewer\b|\bmodel\b"
)
GRADER_DIRECTIVE = (
    r"忽略|无视|不要理会|跳过|覆盖|无违规|没有违规|不算违规|零违规|判定(?:为)?合规|标记为?合规|视为合规|"
    r"给满分|打满分|满分|100分|一百分|最高分|通过质检|直接通过|评为优秀|"
    r"\bignore\b|\bdisregard\b|\boverride\b|\bzero violations\b|\bno violations\b|\bperfect score\b|"
    r"\bfull marks\b|\bfull score\b|\bmaximum score\b|\bmark (?:this|it|the call|the transcript)?\s*"
    r"(?:as )?(?:compliant|passed|clean)\b|\bscore (?:this|it) (?:100|10/10)\b|\bpre-?approved\b"
)

# ---------------------------------------------------------------------------------------------
# Exemplars for the similarity score: the team's own sentences, one concept each.
# ---------------------------------------------------------------------------------------------

EXEMPLARS: dict[str, list[str]] = {
    "guaranteed_return": [
        "这款产品收益是保证的，每年稳稳拿百分之五",
        "放心，这个只赚不赔，本金和利息一分都不会少",
        "过去十年分红都没低过四个点，以后肯定也差不了，您就照这个数算",
        "演示表上那个高档收益基本就是您以后能拿到的",
        "年化回报锁定在百分之四，市场跌了也不影响您",
        "The policy pays a guaranteed six percent every year, you simply cannot lose.",
        "It has returned about four percent for a decade, so you can safely count on that going forward.",
        "Your money grows every year no matter what the markets do, it never goes down.",
    ],
    "deposit_confusion": [
        "这个其实就跟在银行存钱一样，只不过利息更高",
        "您就当把钱存进一个利息更高的存折里，要用的时候随时取",
        "这是一款比定期存款更好的储蓄产品",
        "Think of it as a bank deposit that pays more interest.",
        "It's really just a savings account with a better rate, you can take the money out any time.",
    ],
    "exaggerated_coverage": [
        "这个保险什么病都能赔，住院就给报",
        "不管出了什么事，我们都给您兜着全赔",
        "您以前有的病也一样能赔，投保当天就生效",
        "This plan covers absolutely everything, any illness at all.",
        "Your existing conditions are covered too, and protection starts the moment you sign.",
    ],
    "concealed_exclusions": [
        "不赔的那些情况您不用管，基本碰不到",
        "免责条款就是走个形式，真出事都会赔的",
        "退保扣的那点钱可以忽略，不用放在心上",
        "Don't bother with the exclusions, they never apply to people like you.",
        "The surrender charges are tiny, nothing you need to think about.",
    ],
    "induced_nondisclosure": [
        "健康问卷您全部选没有就行，公司不会去查",
        "这个小毛病就别写上去了，写了反而不好过",
        "职业那栏您填轻松一点的，保费能便宜不少",
        "Tick no on every health question, the insurer does not verify it.",
        "I wouldn't mention that old operation, it only slows the application down.",
    ],
    "improper_benefit": [
        "您在我这买，首年保费我返您百分之十五",
        "签了单我送您一部手机，再给个大红包",
        "我个人帮您出一部分保费，比别处买便宜",
        "I'll pay you back a part of my commission if you sign today.",
        "Buy through me and I'll give you a supermarket gift card as well.",
    ],
    "proxy_signature": [
        "签名的地方我替您签了，您不用跑一趟",
        "风险提示那段我来帮您抄，您最后签个名就好",
        "手机上收到的验证码发给我，剩下的确认我来点",
        "I can sign the application on your behalf, no need to come in.",
        "Send me the one-time codes and I'll finish the e-signature for you.",
    ],
    "competitor_disparagement": [
        "那家公司理赔特别难，买了也是白买",
        "别家那种产品都是坑人的，您千万别碰",
        "他们公司快不行了，买他们的保险等于打水漂",
        "That company drags out every claim, it is a well-known scam.",
        "Stay away from their plans, they'll find any excuse to deny your claim.",
    ],
    "false_urgency": [
        "这款下个月就停售了，今天不定就没机会了",
        "听说马上要涨价，您赶紧今天就定下来",
        "过了这周这个价格就没有了，千万别拖",
        "This plan is being pulled from the market on Friday, so decide today.",
        "Prices are about to jump next month, buy before then.",
    ],
    "regulator_endorsement": [
        "这是国家担保的产品，出了问题国家兜底",
        "监管部门给这个产品背书，收益是有国家保障的",
        "The government guarantees this product, so your money is safe.",
        "It's backed by the regulator, the state stands behind every payout.",
    ],
    "premium_handling": [
        "保费您直接转我微信，我替您交到公司",
        "您把现金给我，我明天帮您去交",
        "理赔款先打到我卡上，我再转给您",
        "Just transfer the premium to my personal account and I'll pass it on.",
        "Give me the cash and I'll pay the insurer for you.",
    ],
}

# Compliant look-alikes: a sentence closer to these than to the violations is not a hit.
COMPLIANT_EXEMPLARS: dict[str, list[str]] = {
    "guaranteed_return": [
        "分红是不保证的，演示里的数字只是假设",
        "合同保证的只有基本保额和现金价值，其余都是浮动的",
        "Dividends are not guaranteed and could be lower than illustrated.",
    ],
    "deposit_confusion": [
        "这是保险不是存款，前几年退保会有损失",
        "It is an insurance policy, not a bank deposit, and early surrender loses money.",
    ],
    "exaggerated_coverage": [
        "不是什么病都赔，只赔合同约定的疾病",
        "Only the illnesses listed in the contract are covered.",
    ],
    "regulator_endorsement": [
        "保险公司受监管，但这不等于国家担保收益",
        "The insurer is regulated, but that does not mean the state guarantees returns.",
    ],
    "competitor_disparagement": [
        "别家的产品我不好评价，您可以对比一下条款",
        "I can't comment on their claims record, but we can compare the terms together.",
    ],
}

# ---------------------------------------------------------------------------------------------
# Concept pairs: a rule's meaning as two ideas in one sentence (slot A, slot B, strength).
# They catch paraphrases no fixed phrase foresees; the same guards and negation checks apply.
# ---------------------------------------------------------------------------------------------

_CERTAINTY_ZH = (
    r"肯定|一定|保证(?!不了|不来)|打包票|担保|绝对|铁定|稳稳|稳拿|稳赚|准能|必定|必然|百分百|百分之百|板上钉钉|"
    r"最少|至少|少说|起码|不会变|不会少|雷打不动|跑不了|跑不掉|少不了|没跑|没悬念|错不了|"
    r"稳的|稳当|锁定|锁住|锁死|稳在|实打实|闭着眼"
)
_RETURN_ZH = (
    r"收益|回报|利息|分红|红利|增值|翻倍|翻番|翻一番|翻一倍|赚|本金的|拿回|领回|越来越多|利率|年化|\d+(?:\.\d+)?\s*倍|"
    + RATE
)
_CERTAINTY_EN = (
    r"\b(?:guarantee[ds]?|definitely|certainly|for sure|like clockwork|bank on (?:it|that)|count on "
    r"(?:it|that)|no downside|can't go wrong|fully protected|always|never (?:drops?|falls?|goes down)|"
    r"promise|without fail|rock[- ]solid|100%|locked|at least|no less than|trust me|as a given|"
    r"no ifs|effectively guaranteed)\b"
)
_RETURN_EN = (
    r"(?:\d+(?:\.\d+)?\s*%|\breturns?\b|\byields?\b|\bgrows?\b|\bgrowth\b|\binterest\b|\bcapital\b|"
    r"\bprofit\b|\bpays? out\b|\bdividends?\b|\bmoney back\b|\bdouble\b)"
)

CONCEPT_PAIRS: dict[str, list[tuple[str, str, float]]] = {
    "guaranteed_return": [
        (_CERTAINTY_ZH, _RETURN_ZH, 0.7),
        (_CERTAINTY_EN, _RETURN_EN, 0.7),
    ],
    "deposit_confusion": [
        (
            r"就是|相当于|本质上|说白了|其实是|等于|一种|一样|像|当成|当作|当做|就当|当是|看作|看成|想成|理解成|理解为|好比|跟",
            r"存钱|存款|储蓄|定期(?![寿险保])|定存|存单|户头|存折|存银行|放银行|零存整取|银行理财",
            0.7,
        ),
        (
            r"\b(?:basically|essentially|just|really|like|same as|works like|equivalent|think of it as|"
            r"no different)\b",
            r"\b(?:savings (?:plan|account|scheme|product)|(?:fixed|bank|term|time) deposit|bank account|"
            r"deposit account|putting money in the bank)\b",
            0.75,
        ),
    ],
    "exaggerated_coverage": [
        (
            r"任何|所有|一切|什么|全部|全都|统统|不管|无论|不论|上不封顶|全额|百分之百|大小|各种",
            r"(?:都|全|统统|一律)(?:能|可以|给|会)?(?:赔|报|保|管)|全额(?:赔|报)|都在保障|(?:赔|报)(?:付|销)?(?:全部|所有)",
            0.75,
        ),
        (
            r"已经有的|已有的|原有的|以前(?:的|得过)|之前(?:的|得过)|既往|现在的病|带病",
            r"(?:也|照样|一样|都|同样)(?:能|可以|给)?(?:赔|报|保|管)|在保障范围",
            0.75,
        ),
        (
            r"\b(?:all|any|every|whatever|anything|everything|no matter)\b",
            r"\b(?:(?:will be|is|are|get|gets) (?:paid|covered|reimbursed)|covers (?:it|that|them|everything|"
            r"all|any)|pays? (?:for|out)|(?:policy|plan|insurance|it|we) (?:pays|will pay|has you covered))\b",
            0.7,
        ),
        (
            r"\b(?:already have|existing|pre-?existing|you've had|history of)\b",
            r"\b(?:covered|we pay|will pay|pays? for|included)\b",
            0.7,
        ),
    ],
    "concealed_exclusions": [
        (
            r"免责|责任免除|除外|条款|小字|细则|等待期|不赔的|退保|损失|扣费|手续费|免赔",
            r"扫一眼|瞄一眼|大概看看|没啥|没什么要紧|不要紧|不重要|无关紧要|不用考虑|不用管|不用看|不用在意|不用理|"
            r"沾不上边?|不用细看|看不看都一样|看不看无所谓|看了也白看|不用仔细看|跟(?:您|你|普通人|咱们)(?:没|没有)(?:什么)?关系|谁看|没人看|"
            r"可以忽略|忽略|形式|摆设|没多少|很少见|碰不上|遇不到|不会碰到|不影响|细究|深究|没人提|没人问|不会有人提",
            0.7,
        ),
        (
            r"\b(?:exclusions?|fine print|small print|waiting period|clauses?|terms|charges?|fees?|"
            r"surrender|penalt(?:y|ies)|deductible)\b",
            r"\b(?:formality|boilerplate|extreme cases?|(?:would|will) ever apply|never apply|"
            r"won't apply to you|doesn't apply to you|nothing that would|never come into it|hardly (?:ever )?(?:matters?|applies|comes up)|(?:almost|practically) never|never comes? up|rarely comes? up|second thought|rarely (?:matters?|"
            r"applies)|don't read too much|wouldn't read|doesn't matter|won't matter|not important|"
            r"nothing to (?:it|worry)|ignore|(?<!not )(?<!n't )skip|never (?:comes up|applies|matters)|tiny|"
            r"negligible)\b",
            0.7,
        ),
    ],
    "induced_nondisclosure": [
        (
            r"病|结节|抽烟|吸烟|喝酒|住院|手术|体检|检查|职业|工作|工种|血压|血糖|糖尿病|乙肝|肝|心脏|"
            r"既往|告知|问卷|情况",
            r"(?<![特区])别(?:说|提|写|填)|不说(?!明)|不提|不写|不填|当没|就当|不用告诉|不用说|不用提|不用写|瞒|隐瞒|"
            r"略过|跳过|带过|省略|空着|漏掉|不会(?:细|去)?查|不(?:细|去)查|查不(?:到|出)|不深究|不核实|"
            r"藏着|说没有|填没有|写没有|勾没有|填成|写成|报成",
            0.7,
        ),
        (
            r"\b(?:smok\w*|drink\w*|surgery|operation|diabet\w*|condition|illness|hospital\w*|"
            r"diagnos\w*|job|occupation|blood pressure|health|medical history|check-?up)\b",
            r"\b(?:don't (?:have|need) to (?:tell|mention|declare|disclose)|no need to (?:tell|mention|"
            r"declare|disclose)|don't tell|don't mention|wouldn't mention|keep (?:it|that) quiet|"
            r"sounds better|put (?:down )?(?:an? )?(?:office|desk|safer|lower)|pretend|forget about)\b",
            0.75,
        ),
    ],
    "improper_benefit": [
        (
            r"我[^，。；]{0,4}?(?:帮|替)?(?:您|你)?(?:补贴|补|返|报销|承担|贴|垫)|"
            r"我(?:额外|私人|个人|私下|自己|另外|再|还|就|可以|会|肯定|得)?(?:送|给|包|出)(?:您|你)",
            r"\d+\s*(?:块|元|百|千)|[一二三四五六七八九十百千两]+\s*(?:块|元)|红包|礼|(?:购物|超市|加油|礼品|会员|京东|储值)卡|券|现金|保费|"
            r"(?:\d+|[一二三四五六七八九十两])\s*(?:成|%|个点)|手机|电器|油|米",
            0.7,
        ),
        (
            r"\bI(?:'ll| will|'d| can)\s+(?:personally\s+|also\s+)?(?:refund|give|send|pay(?! it)|cover|"
            r"throw in|rebate|reimburse|hand)\b",
            r"(?:\b(?:yuan|rmb|dollars?|cash|red envelope|red packet|gift|voucher|card|premium|"
            r"commission)\b|\d+\s*%)",
            0.7,
        ),
    ],
    "proxy_signature": [
        (
            r"(?:我|我们|同事|我让\S{0,3})(?:来|先|就|可以|直接)?(?:代|帮|替)(?:您|你)",
            r"签|回访|抄|确认|双录|验证码|密码|人脸|录音|录像|回答",
            0.7,
        ),
        (
            r"\b(?:on your behalf|for you|in your name|from my end|my side|myself)\b",
            r"\b(?<!you )(?:sign(?:s|ed|ing)?\b(?! up)|signatures?|confirm\w*|tick\w*|declaration|verification|password|login|"
            r"log in|answer the (?:call|questions))\b",
            0.7,
        ),
        (r"\bgive me your\b", r"\b(?:login|password|PIN|code|account details)\b", 0.8),
    ],
    "competitor_disparagement": [
        (
            r"那个公司|那家|那边|别家|别的公司|其他公司|他们|小公司|"
            r"(?!医疗|意外|重疾|商业|社会|人身|健康|养老|财产|定期|终身|分红|万能|年金|这份|那份|一份|这个|任何|"
            r"所有|买了|买的|发生)[\u4e00-\u9fff]{2}(?<!的)(?:人寿|保险|财险)(?:那边|那家|的)?",
            r"噱头|推脱|推诿|赖账|不管你|坑|骗|不赔|难赔|拒赔|理赔(?:特别|很|太)?(?:难|慢)|倒闭|破产|跑路|"
            r"磨蹭|拖拉|白交|白花|出了名的|撑不下去|快不行|"
            r"不靠谱|靠不住|没保障|垃圾|忽悠|套路|陷阱|黑|接管|暴雷|爆雷|偿付能力|出问题|问题多|被罚|关门|"
            r"没了|找不到人|找不着人|没人管",
            0.7,
        ),
        (
            r"\b(?:they|them|their|that company|that insurer|other (?:companies|insurers)|those guys|"
            r"[A-Z]\w+ (?:Life|Insurance|Assurance))\b",
            r"\b(?:traps?|rip-?off|bankrupt\w*|scam\w*|crooks?|con|cheat\w*|deny|denies|refuse to pay|"
            r"junk|garbage|trash|fight (?:every|all|any) claims?|turn(?:s|ing)? down claims|shaky ground|"
            r"never pay|won't pay|avoid them|shady|dodgy|worthless|useless|go under)\b",
            0.75,
        ),
    ],
    "false_urgency": [
        (
            r"下(?:个)?月|下周|月底|年底|今天|今晚|明天|马上|很快|即将|过几天|这周|本周|名额|剩|最后|"
            r"来不及|截止",
            r"停售|停卖|不卖|下架|涨价|调价|上调|提价|来不及|没了|没有了|买不到|买不着|恢复原价|结束|抢|涨",
            0.7,
        ),
        (
            r"\b(?:after|before|until|tomorrow|today|tonight|midnight|next (?:week|month)|this (?:week|month)|"
            r"friday|monday|end of (?:the )?(?:week|month|year|day)|soon|only \w+ left)\b",
            r"\b(?:disappears?|gone|withdrawn|discontinued|goes up|higher|increase|offer ends|deal ends|"
            r"ends (?:on|at|this|next|tomorrow|tonight)|expires?|"
            r"no longer (?:available|offered)|won't be (?:available|offered))\b",
            0.7,
        ),
    ],
    "regulator_endorsement": [
        (
            r"国家|政府|监管|银保监|保监会|金融监管总局|央行|官方",
            r"背书|担保|兜底|兜着|托着底|撑腰|保证|托底|作保|保障(?:收益|本金)|推荐|认证|批准(?:了)?的",
            0.65,
        ),
        (
            r"\b(?:government|state|regulators?|authorities|official)\b",
            r"\b(?:stand(?:s|ing)? behind|backs?|backed|backing|guarantee[sd]?|endorse[sd]?|vouch\w*|protect\w*|"
            r"safeguard\w*|can(?:not|'t) fail|signs? off|signed off|approv\w* (?:the|these|its) returns)\b",
            0.7,
        ),
    ],
    "premium_handling": [
        (
            r"保费|钱|现金|理赔款|赔款|退保金|款",
            r"转我|转给我|给我|交给我|打给我|我(?:的)?(?:卡|账户|微信|支付宝|收款码)|我统一|我拿去|我帮您交|"
            r"我替您交|我代(?:您|你)?交|我来交",
            0.7,
        ),
        (
            r"\b(?:pay|cash|premium|money|claim|payout|transfer)\b",
            r"\b(?:pay me|to me|me directly|my (?:own |personal )?(?:account|card|wechat|alipay)|"
            r"I'll take it|I'll pass it|through me)\b",
            0.7,
        ),
    ],
}

# The customer says they have a condition; the agent answers that it is paid for anyway.
CUSTOMER_HAS_CONDITION = (
    r"(?:有|得过|患|查出|确诊|一直)(?:过|了)?[^，。？?]{0,6}(?:病|高血压|糖尿病|结节|乙肝|哮喘|心脏|肿瘤|"
    r"甲状腺|胃炎|脂肪肝|血压|血糖|囊肿|息肉|手术|住院)|\bI (?:have|'ve had|had)\b|\bdiagnosed\b|"
    r"\b(?:my|his|her) \w+ (?:has|had)\b|\bcondition\b"
)
AGENT_SAYS_COVERED = (
    r"(?:也|都|照样|一样|同样)(?:都)?(?:能|可以|给|会)?(?:赔|报|保|管)(?!险)|照赔|"
    r"\b(?:that's|it's|that is|it is|they're|those are) (?:also |still )?(?:covered|paid)\b|"
    r"\bcovered too\b|\bwe(?:'ll| will) (?:still )?pay\b|\bstill covered\b"
)
AGENT_QUALIFIES_COVER = (
    r"除外|不赔|不保|核保|如实|不在|告知|等待期|加费|\bexclu|\bnot covered\b|\bunderwrit|\bdeclare\b|"
    r"\bwaiting period\b"
)

# Occupation or health answers bent to pass underwriting or lower the premium.
CONCEPT_PAIRS["induced_nondisclosure"] += [
    (
        r"职业|工种|工作|告知|病|体检|保费",
        r"(?:写|填|报)(?:个|成)?(?:轻松|清闲|安全|简单|低风险)(?:一)?(?:点|些)?的?|(?:就)?写(?:成)?[\u4e00-\u9fff]{1,3}(?:员|工)(?:就行|就好|吧)?[，,]",
        0.75,
    ),
    (
        r"(?:写|填|报|勾|选|不提|别提|不说|别说|略过|跳过)",
        r"(?:好过|容易过|好通过|更容易通过|顺利过|轻松过)(?:核保)?|核保(?:好过|容易|更容易)",
        0.75,
    ),
]
# Framing the policy as opening an account of one's own.
RULE_PATTERNS["deposit_confusion"].append(
    (
        r"(?:就当|当是|当成|相当于|就是|等于)[^，。；]{0,6}(?:开|办)(?:了)?(?:一)?个[^，。；]{0,8}"
        r"(?:账户|户头|存折)",
        0.8,
    )
)

# ---------------------------------------------------------------------------------------------
# Everyday paraphrases: how agents say the same things without the textbook words.
# ---------------------------------------------------------------------------------------------

RULE_PATTERNS["guaranteed_return"] += [
    (RATE + r"[^，。；,;]{0,8}(?:没悬念|没跑|跑不掉|错不了|差不了|稳当|妥了)", 0.8),
    (
        r"(?:稳的|稳稳的|稳当的|实打实的|板上钉钉的|锁定(?:了)?|锁住(?:了)?|锁死(?:了)?)[^，。；,;]{0,6}?"
        + RATE,
        0.85,
    ),
    (r"(?:不会|不可能|没可能|绝不会)(?:缩水|贬值|变少|往下走|打折扣)", 0.8),
    (r"本金(?:一分(?:钱)?)?(?:都|也)?(?:不会|不)(?:动|少|亏|缩水)", 0.85),
    (r"只会(?:越滚越多|越来越多|往上(?:走|涨|长|浮)?|涨|增加|多)|往上浮|只往上", 0.8),
    (
        r"(?:不管|无论|不论)(?:市场|行情|经济|股市)[^。；]{0,16}(?:都|也|照样)(?:会)?"
        r"(?:涨|长|增|赚|有|拿|往上)",
        0.8,
    ),
    (
        r"(?:中档|高档|演示)[^。；]{0,14}(?:就是|等于|相当于|照着|按着|按照?)[^。；]{0,10}"
        r"(?:实际|以后|将来|到时候)?(?:能)?(?:领|拿|得|规划|算|打算|安排)",
        0.8,
    ),
    (
        r"(?:一直|都是|向来|历来)(?:都是)?按(?:照)?(?:高档|中档)|低档[^。]{0,10}(?:不用看|别看|不用管|摆设|形式)",
        0.8,
    ),
    (
        r"(?:当成|当作|当做|就当|看成|看作)(?:是)?[^，。]{0,4}(?:固定|保证|稳定|确定)(?:的)?"
        r"(?:收益|收入|利息|回报)",
        0.85,
    ),
    (r"(?:不会|不可能|绝不会)(?:低于|少于|跌破|掉到)\s*" + RATE, 0.8),
    (
        r"\btreat (?:it|that|this|\d+(?:\.\d+)?\s*%) as (?:a given|guaranteed|certain|fixed|"
        r"a sure thing|locked in)\b",
        0.85,
    ),
    (
        r"\b(?:whatever|no matter what|regardless of what) (?:the )?(?:markets?|economy|stock market) "
        r"(?:do|does|did|throws?)\b",
        0.75,
    ),
    (
        r"\bno way (?:it|you|your money|the account|the value) (?:shrinks|drops|falls|loses|goes down)\b",
        0.85,
    ),
    (r"\b(?:zero|no) (?:chance|risk) (?:of|at all of) (?:losing|loss|a loss|losing money)\b", 0.85),
    (r"\b(?:steady|solid|reliable|dependable|safe|fixed)\s+\d+(?:\.\d+)?\s*%", 0.8),
    (
        r"\b(?:medium|middle|high|illustrat\w*)\b[^.;]{0,40}\b(?:what you'll (?:get|end up with|receive|"
        r"actually get)|plan (?:around|on) (?:it|that)|count on (?:it|that)|bank on (?:it|that))\b",
        0.8,
    ),
]
RULE_PATTERNS["deposit_confusion"] += [
    (r"(?:这|这款|这个|它)(?:是|就是|属于|算是)[^，。；不非没]{0,12}理财(?:产品)?", 0.8),
    (
        r"比[^，。；]{0,6}(?:大额存单|存单|定期|存款|银行)[^，。；]{0,4}(?:收益|利息)?(?:高|强|好|划算|多)",
        0.8,
    ),
]
RULE_PATTERNS["exaggerated_coverage"] += [
    (
        r"花多少(?:报|赔)多少|一分(?:钱)?(?:都)?不用(?:自己)?(?:掏|出|花)|自己不用(?:掏|出)|"
        r"全(?:给您|给你|都)?报(?:了|销了)",
        0.85,
    ),
    (
        r"(?:签完字|签了字|签完|一签|交完钱|交了钱|付完款)(?:就|马上|立刻|当天)(?:就)?(?:能(?:赔|报|保|用)|开始保|保|赔)",
        0.8,
    ),
    (r"(?:生病|生了病|得了病|病了|有病)(?:就|马上|立刻|都)(?:能)?(?:赔|报|给赔)", 0.8),
    (r"(?:不管|无论|不论)(?:哪家|哪个|哪里|什么)(?:的)?医院(?:都)?(?:能|可以)?(?:报|赔)", 0.85),
    (
        r"\bnever (?:have to )?pay (?:for )?(?:a|any|another) (?:single )?(?:hospital |medical )?bills?\b",
        0.85,
    ),
]
RULE_PATTERNS["concealed_exclusions"] += [
    (
        r"\b(?:don't|do not|no need to|never) (?:get hung up on|sweat|fuss about|overthink|dwell on)\b"
        r"[^.;]{0,20}\b(?:exclusions?|fine print|small print|waiting period|clauses|terms|charges|fees|"
        r"deductible)\b",
        0.85,
    ),
    (r"(?:条款|小字|细则|免责)[^。]{0,8}(?:谁看|谁会看|没人看)", 0.85),
    (r"(?:从没|从来没|没)(?:见过|遇到过|碰到过|听说过)(?:有)?(?:拒赔|不赔|被拒)", 0.8),
]
RULE_PATTERNS["induced_nondisclosure"] += [
    (
        r"\b(?:no need to|don't|do not|wouldn't|I wouldn't)\s+(?:need to\s+|have to\s+)(?:mention|declare|"
        r"disclose|bring up|put down|include|list)\b",
        0.8,
    ),
    (
        r"\b(?:underwrit\w*|the insurer|they|nobody|no one)\s+(?:won't|will not|never|doesn't|don't)\s+"
        r"(?:ask|check|look|notice)\b",
        0.8,
    ),
    (r"\b(?:nobody|no one)\s+(?:ever\s+)?(?:checks|verifies|looks at|reads)\b", 0.85),
    (
        r"\banswer (?:no|\"no\") (?:across the board|to (?:everything|all of them|all the questions|every question))",
        0.9,
    ),
    (
        r"\b(?:put|write|list|tick)\s+(?:yourself\s+|you\s+|him\s+|her\s+)?(?:down\s+)?(?:as\s+)?(?:a\s+)?"
        r"non-?smoker\b",
        0.85,
    ),
    (
        r"\bthe (?:odd|occasional) (?:cigarette|smoke|drink)s? (?:doesn't|does not|won't|don't) count\b",
        0.85,
    ),
    (r"\bthey can't touch (?:it|you|the policy)\b|\bcan't be (?:touched|challenged)\b", 0.8),
    (
        r"(?:不可抗辩|过了两年|两年(?:以|之)?后)[^。]{0,12}(?:也得赔|也要赔|照样赔|必须赔|都得赔|查出来也|就没事)",
        0.85,
    ),
]
RULE_PATTERNS["improper_benefit"] += [
    (r"(?:佣金|提成|返点)[^，。]{0,8}(?:给|返|分|让|退)(?:给)?(?:您|你)", 0.85),
    (r"(?:签单|签约|投保|成交|下单)(?:了|后|完)?(?:就|即|都)(?:送|赠|返)", 0.85),
]
RULE_PATTERNS["proxy_signature"] += [
    (
        r"(?:我|我们|我这边)[^，。；]{0,4}?(?:替|帮|代)(?:您|你|她|他)(?:们)?(?:把)?[^，。；]{0,8}?"
        r"(?<![要需该得])(?:签|代签|抄|手抄|点确认)",
        0.9,
    ),
    (r"(?:其余|剩下|后面|其他)的?(?:我|我来|我帮您|我替您)(?:来)?(?:点|勾|操作|确认)", 0.85),
    (
        r"\bI(?:'ll|'d| will| can| could)?\s+(?:just\s+)?(?:sign|put|add|write|forge|copy)\s+(?:your|his|her)\s+"
        r"(?:(?:wife|husband|son|daughter|mother|father|partner|spouse)'s\s+)?(?:signature|initials|name "
        r"(?:on|for|in))\b|\bI(?:'ll|'d| will| can)?\s+(?:just\s+)?sign\s+(?:your\s+)?(?:wife|husband|son|"
        r"daughter|mother|father|partner|spouse)'s\b",
        0.85,
    ),
    (
        r"\bI(?:'ll| will| can)\s+(?:just\s+)?(?:fill|complete|answer|do)\s+(?:in\s+|out\s+)?(?:the\s+)?"
        r"(?:rest\s+of\s+(?:the\s+)?)?(?:health|medical|declaration|questionnaire|form|application)\b[^.]{0,40}"
        r"\bfor you\b",
        0.85,
    ),
]
RULE_PATTERNS["competitor_disparagement"] += [
    (r"(?:出了名的|出名的|有名的)(?:难赔|不赔|拖|慢|磨蹭|坑|黑)", 0.85),
    (r"(?:他们|那家|别家|他们家)[^。]{0,12}(?:等于|相当于)(?:白交|白买|白花|打水漂)", 0.8),
]
RULE_PATTERNS["false_urgency"] += [
    (r"(?:名额|额度|份数)(?:只|就)?(?:剩|就剩|只剩|不多|快没)", 0.85),
    (r"\b(?:sign|decide|buy|act) (?:now|today|tonight) or (?:lose|miss)\b|\bnow or never\b", 0.85),
]
RULE_PATTERNS["regulator_endorsement"] += [
    (r"\bas safe as (?:government|treasury|state) bonds?\b", 0.8),
    (
        r"\b(?:has|have|with|got) (?:the )?(?:government|state|regulator)'s (?:backing|guarantee|support)\b",
        0.85,
    ),
]
RULE_PATTERNS["premium_handling"] += [
    (r"(?:微信|支付宝|银行卡|现金|钱)(?:直接)?(?:转|打|付|给)(?:我|给我)(?![们司])", 0.85),
    (r"我(?:来)?统一(?:交|缴|转|办)", 0.8),
    (
        r"\bI(?:'ll| will)\s+(?:collect|take)\s+(?:the\s+)?(?:\w+\s+)?(?:cash|money|premium|payout|"
        r"claim money|refund)\b",
        0.85,
    ),
]
CONCEPT_PAIRS["exaggerated_coverage"] += [
    (
        r"\b(?:whatever|any|every|all)\b",
        r"\b(?:it's|that's) (?:paid|covered)\b|\bcovers the (?:bill|cost)s?\b|\bpicks up the (?:bill|tab)\b",
        0.75,
    ),
    (
        r"\b(?:your|his|her) (?:asthma|diabetes|blood pressure|hypertension|back|heart|thyroid|nodule|"
        r"hepatitis|condition)\b",
        r"\b(?:won't be a problem|(?:is|isn't) (?:not )?(?:a |any )?problem|the (?:plan|policy) pays|pays for it|"
        r"(?:is|are|will be) covered|we(?:'ll| will)? pay)\b",
        0.75,
    ),
]
