"""Text normalisation and tokenisation for the knowledge search engine.

Chinese has no spaces between words, so Chinese text is indexed three ways at once: single
characters (recall for rare one-character terms), character bigrams (robust, needs no dictionary)
and jieba words (precision for multi-character terms). English is split into words with light
stemming. Questions carry scaffolding ("如果…是否…", "what happens if…") that says nothing about
the answer; it is cut out of queries before they are tokenised so it neither scores nor highlights.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

# A run is a maximal stretch of one script: CJK ideographs, or Latin letters/digits.
_RUN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[a-z0-9]+(?:[.'][a-z0-9]+)*")
_CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")

# Question scaffolding: words that shape a question without naming what it is about. Longer
# phrases come first so "什么情况下" is cut whole rather than leaving "情况下" behind.
ZH_QUERY_STOPWORDS: tuple[str, ...] = tuple(
    sorted(
        {
            "请问",
            "我想知道",
            "想知道",
            "想问",
            "如果",
            "假如",
            "假设",
            "若是",
            "要是",
            "什么情况下",
            "什么时候",
            "什么样的",
            "什么",
            "是否",
            "能否",
            "可否",
            "有没有",
            "是不是",
            "会不会",
            "能不能",
            "可不可以",
            "哪些",
            "哪个",
            "哪种",
            "哪里",
            "怎么办",
            "怎么",
            "怎样",
            "如何",
            "为什么",
            "多少",
            "多久",
            "多长",
            "吗",
            "呢",
            "吧",
            "啊",
            "呀",
            "那么",
            "的话",
            "保险公司",
            "需要",
            "应该",
            "能够",
            "必须",
            "我们",
            "你",
            "他们",
            "这种",
            "这个",
            "那个",
            "一下",
            "情况下",
            "是什么意思",
            "什么意思",
            "指的是",
            "有什么区别",
            "有何区别",
            "有什么不同",
            "提到的",
            "中提到",
            "材料中",
            "这份",
            "这些",
            "究竟",
            "具体",
            "分别",
            "请说明",
            "请解释",
            "是怎样的",
            "有哪些",
        },
        key=len,
        reverse=True,
    )
)

_EN_STOPWORD_TEXT = """a an the and or but if then than so of to in on at by for from with without
into onto about as is are was were be been being am do does did doing done have has had having
can could will would shall should may might must i me my we our you your he she it its they them
their this that these those there here what which who whom whose when where why how whether any
some all each every no not nor only own same such too very just also please tell know want
wonder s t"""
EN_STOPWORDS: frozenset[str] = frozenset(_EN_STOPWORD_TEXT.split())

_ZH_STOP_RE = re.compile("|".join(re.escape(w) for w in ZH_QUERY_STOPWORDS))


# Variant characters that clause wordings use interchangeably ("缴费"/"交费").
_CHAR_FOLD = str.maketrans({"缴": "交", "帐": "账", "週": "周"})

# Everyday words a customer or agent uses -> the words policy wordings use for the same thing.
# Added to a query with a lower weight, so they help recall without overruling the asked words.
QUERY_SYNONYMS: dict[str, tuple[str, ...]] = {
    "保险公司": ("保险人", "本公司", "我们"),
    "公司": ("保险人", "本公司"),
    "更改": ("变更",),
    "修改": ("变更",),
    "改变": ("变更",),
    "退保": ("解除合同", "现金价值"),
    "取消合同": ("解除合同",),
    "撤销": ("解除",),
    "终止": ("解除", "效力终止"),
    "不承担": ("责任免除",),
    "不赔": ("责任免除", "不承担"),
    "不负责": ("责任免除",),
    "除外": ("责任免除",),
    "赔偿": ("给付", "保险金"),
    "理赔": ("给付", "保险金申请"),
    "赔付": ("给付", "保险金"),
    "报销": ("医疗费用", "给付"),
    "赔": ("给付", "赔偿"),
    "退钱": ("退还", "退保"),
    "退款": ("退还",),
    "做出": ("作出",),
    "多久": ("日内",),
    "死亡": ("身故",),
    "去世": ("身故",),
    "残疾": ("伤残", "全残"),
    "未成年": ("无民事行为能力", "监护人"),
    "小孩": ("子女", "未成年"),
    "孩子": ("子女", "未成年"),
    "地址": ("住所", "通讯地址"),
    "电话": ("联系方式",),
    "保单": ("保险单", "本合同"),
    "保费": ("保险费",),
    "交钱": ("交纳保险费",),
    "欠费": ("未交", "宽限期"),
    "借款": ("保单贷款",),
    "贷款": ("借款",),
    "冷静期": ("犹豫期",),
    "观察期": ("等待期",),
    "怀孕": ("妊娠",),
    "酒驾": ("酒后驾驶", "饮酒"),
    "喝酒": ("饮酒", "酒后"),
    "年龄不符": ("年龄错误", "年龄不真实"),
    "写错": ("错误",),
    "隐瞒": ("如实告知", "未履行"),
    "告知义务": ("如实告知",),
    "身份证": ("身份证件",),
    "天": ("日",),
    "多长时间": ("日以内",),
    "恢复": ("复效", "恢复效力"),
    "体检": ("健康检查",),
    "既往症": ("既往病史",),
    "看病": ("就诊", "治疗"),
    "医药费": ("医疗费用",),
    "开刀": ("手术",),
    "利息": ("利率",),
    "分红": ("红利",),
    "受益": ("受益人",),
    "钱": ("保险金", "费用"),
    "refund": ("return", "cash value"),
    "cancel": ("surrender", "terminate", "cooling-off"),
    "die": ("death",),
    "death": ("die",),
    "pay": ("benefit",),
    "claim": ("benefit", "payment"),
    "kid": ("child",),
    "sick": ("illness", "disease"),
}


def normalize(text: str) -> str:
    """Fold full-width forms to half-width (NFKC), variant characters, and lower-case."""
    return unicodedata.normalize("NFKC", text).lower().translate(_CHAR_FOLD)


def normalize_char(char: str) -> str:
    """Normalise one character, keeping a one-to-one mapping for highlighting offsets."""
    folded = unicodedata.normalize("NFKC", char).lower().translate(_CHAR_FOLD)
    return folded[0] if folded else char


def expand_query(query: str) -> list[str]:
    """Clause-wording synonyms of the everyday words in a query."""
    norm = normalize(query)
    out: list[str] = []
    for word, synonyms in QUERY_SYNONYMS.items():
        if word in norm:
            out.extend(s for s in synonyms if s not in norm)
    return out


def is_cjk(char: str) -> bool:
    return bool(_CJK_RE.match(char))


def stem_en(word: str) -> str:
    """Light English stemming: enough to match plurals and common verb forms."""
    if len(word) <= 3 or not word.isalpha():
        return word
    for suffix, keep in (("ies", "y"), ("sses", "ss"), ("ing", ""), ("ed", ""), ("es", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)] + keep
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


@lru_cache(maxsize=1)
def _jieba():
    """Load jieba once per process; its dictionary load is the slow part."""
    try:
        import jieba
    except ImportError:  # pragma: no cover - jieba is a hard dependency, but degrade to n-grams
        return None
    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def jieba_words(run: str) -> list[str]:
    """Multi-character jieba words of one CJK run (search mode: also sub-words of long words)."""
    return list(_jieba_words(run))


# Standard clauses repeat across products, so the same runs come back often when an index is
# built; remembering their segmentation saves most of jieba's share of the build time.
@lru_cache(maxsize=100_000)
def _jieba_words(run: str) -> tuple[str, ...]:
    jb = _jieba()
    if jb is None:
        return ()
    return tuple(w for w in jb.cut_for_search(run, HMM=False) if len(w) >= 2)


@dataclass
class Analysed:
    """The terms of one text, split by kind so each can be weighted separately."""

    unigrams: list[str] = field(default_factory=list)
    bigrams: list[str] = field(default_factory=list)
    words: list[str] = field(default_factory=list)  # jieba words and English stems


def runs(text: str) -> Iterator[str]:
    """Script runs of an already normalised text."""
    return (m.group(0) for m in _RUN_RE.finditer(text))


def analyse(text: str, *, query: bool = False, use_jieba: bool = True) -> Analysed:
    """Split text into unigram, bigram and word terms.

    For a query, question scaffolding is removed first; the removed phrase acts as a boundary so
    no bigram spans across it.
    """
    norm = normalize(text)
    if query:
        norm = _ZH_STOP_RE.sub(" ", norm)
    out = Analysed()
    for run in runs(norm):
        if is_cjk(run[0]):
            out.unigrams.extend(run)
            out.bigrams.extend(run[i : i + 2] for i in range(len(run) - 1))
            if use_jieba and len(run) >= 2:
                out.words.extend(jieba_words(run))
        elif run not in EN_STOPWORDS:
            out.words.append(stem_en(run))
    return out


def query_phrases(query: str) -> list[str]:
    """Normalised CJK segments and English stems of a query, for highlighting."""
    norm = _ZH_STOP_RE.sub(" ", normalize(query))
    return [r if is_cjk(r[0]) else stem_en(r) for r in runs(norm) if r not in EN_STOPWORDS]


# A quantity: Arabic or Chinese numerals with the unit that gives them meaning in a clause
# ("30日", "三十天", "80%", "18周岁"); both spellings map to one key such as "30日".
_QUANTITY_RE = re.compile(
    r"(\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千万]+)\s*"
    r"(%|周岁|岁|日|天|个月|月|年|元|倍|次|小时|公里)"
)
_ZH_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6}
_ZH_DIGITS.update({"七": 7, "八": 8, "九": 9})
_ZH_UNITS = {"十": 10, "百": 100, "千": 1000}
_UNIT_FOLD = {"天": "日", "周岁": "岁", "个月": "月"}


def zh_numeral(text: str) -> int:
    """Value of a Chinese numeral such as "十五", "三百六十五" or "两万"."""
    total = section = digit = 0
    for char in text:
        if char in _ZH_DIGITS:
            digit = _ZH_DIGITS[char]
        elif char in _ZH_UNITS:
            section += (digit or 1) * _ZH_UNITS[char]
            digit = 0
        elif char == "万":
            total += (section + digit or 1) * 10000
            section = digit = 0
    return total + section + digit


def quantities(text: str) -> frozenset[str]:
    """Normalised quantities in a text, e.g. {"30日", "80%"}."""
    found = set()
    for match in _QUANTITY_RE.finditer(normalize(text)):
        number, unit = match.groups()
        if not number[0].isdigit():
            number = str(zh_numeral(number))
        elif "." in number:
            number = number.rstrip("0").rstrip(".")
        found.add(number + _UNIT_FOLD.get(unit, unit))
    return frozenset(found)


def query_segments(query: str) -> list[str]:
    """Normalised CJK runs of a query with its scaffolding cut out (for phrase matching)."""
    norm = _ZH_STOP_RE.sub(" ", normalize(query))
    return [r for r in runs(norm) if is_cjk(r[0])]
