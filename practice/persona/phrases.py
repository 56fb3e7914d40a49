"""Bilingual phrase banks of the simulated customer.

Every kind of line the customer says has several variants per language, so two sessions on the
same scenario do not read alike. A bank entry is either a list of variants or a mapping from
temperament to variants (key ``"_"`` holds the lines any temperament may use); the engine picks
with a seeded ``random.Random`` so a session replays identically.

Templates use ``{text}`` (a persona line), ``{label}`` (a topic named in plain words) or
``{product}``. Lines are spoken by a customer: they ask, hesitate, agree or refuse, and never
explain insurance or tell the agent what to do next.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence

Bank = Mapping[str, Mapping[str, Sequence[str]] | Sequence[str]]

# fmt: off
PHRASES: dict[str, dict[str, object]] = {
    "greet_back": {
        "zh": {
            "_": ["你好。可以，你说吧。", "嗯，你好，现在方便，你说。", "你好，有几分钟，你说吧。", "哦，你好。请讲。"],
            "friendly": ["你好你好，有什么事你说。", "哎你好，正好我现在有空，你说吧。"],
            "impatient": ["嗯，你好，长话短说吧。", "你好，我时间不多，直接说吧。"],
            "skeptical": ["你好。你先说说是什么事。", "嗯……你好，什么事？"],
        },
        "en": {
            "_": ["Hello. Sure, go ahead.", "Hi, yes, I've got a few minutes.", "Hello, yes, go on.", "Hi. What can I do for you?"],
            "friendly": ["Hi there! Sure, go ahead.", "Oh hello, I've got a few minutes, go on."],
            "impatient": ["Hi. Please keep it short.", "Hello. I don't have long, what is it?"],
            "skeptical": ["Hello. What's this about, exactly?", "Hmm, hi. What do you want?"],
        },
    },
    "who_are_you": {
        "zh": ["等一下，你是哪家公司的？", "你先说说你是哪里的？怎么称呼？", "不好意思，你是哪个单位的来着？"],
        "en": ["Hang on, which company are you with?", "Sorry, who are you and who do you work for?",
               "Before we go on, who exactly am I speaking to?"],
    },
    "reveal_open": {
        "zh": {
            "_": ["{text}", "嗯，{text}", "说起来，{text}", "这个嘛，{text}", "怎么说呢，{text}"],
            "friendly": ["哈，你问到点子上了。{text}", "跟你说吧，{text}"],
            "skeptical": ["这个跟你说也无妨。{text}", "嗯……{text}"],
            "cautious": ["我想想怎么说……{text}", "其实吧，{text}"],
            "impatient": ["{text}"],
            "analytical": ["具体情况是这样的：{text}", "我说一下基本情况。{text}"],
        },
        "en": {
            "_": ["{text}", "Well, {text}", "Let me think. {text}", "Honestly, {text}", "So, {text}"],
            "friendly": ["Good question, actually. {text}", "Oh, sure. {text}"],
            "skeptical": ["I suppose I can tell you that. {text}", "Hmm. {text}"],
            "cautious": ["How do I put it... {text}", "To be honest, {text}"],
            "impatient": ["{text}"],
            "analytical": ["The facts are these: {text}", "Briefly: {text}"],
        },
    },
    "reveal_closed": {
        "zh": ["嗯，{text}", "对。{text}", "算是吧。{text}", "是的。{text}"],
        "en": ["Yes. {text}", "Right. {text}", "Sort of. {text}", "Mm-hm. {text}"],
    },
    "reveal_join": {
        "zh": ["另外，", "还有就是，", "对了，", "再说一个，"],
        "en": ["Also, ", "And ", "Oh, and ", "Besides that, "],
    },
    "already_said": {
        "zh": ["我刚才说过了，{text}", "这个刚才说了呀，{text}", "我不是说过了嘛，{text}"],
        "en": ["I mentioned that already: {text}", "As I said, {text}", "I told you a moment ago: {text}"],
    },
    "vague_question": {
        "zh": ["你具体想问什么？", "你指哪方面？", "嗯？你问的是哪个？", "这个问得太笼统了，你想了解什么？"],
        "en": ["What exactly do you want to know?", "Which part do you mean?",
               "Sorry, that's a bit broad. What are you asking?"],
    },
    "topic_nothing": {
        "zh": ["{label}这块没什么特别的。", "{label}啊，挺普通的，没什么好说的。", "{label}方面还行吧，没什么特别。"],
        "en": ["Nothing special about my {label}, really.", "My {label}? It's pretty ordinary.",
               "Not much to say about my {label}."],
    },
    "deflect_sensitive": {
        "zh": {
            "_": ["这个……我们刚聊几句，不太方便说吧。", "这个就先不说了吧。", "这个比较私人，以后再说吧。"],
            "skeptical": ["我凭什么告诉你这个？", "这个跟你没关系吧，先说你的事。"],
        },
        "en": {
            "_": ["That's a bit personal, we've only just started talking.", "I'd rather not go into that yet.",
                  "Let's leave that for now."],
            "skeptical": ["Why would I tell you that?", "That's none of your business yet, is it?"],
        },
    },
    "ack": {
        "zh": {
            "_": ["嗯。", "哦，这样。", "嗯，你接着说。", "好的，明白。", "嗯嗯。"],
            "friendly": ["嗯嗯，好的。", "哦，这个我明白了。"],
            "impatient": ["嗯，然后呢？", "好，说重点。"],
            "skeptical": ["嗯，你接着说，我听着。", "是吗。"],
            "analytical": ["好，这一点清楚了。", "明白，还有呢？"],
            "cautious": ["嗯……好的。", "哦，我先记下。"],
        },
        "en": {
            "_": ["Okay.", "I see.", "Right, go on.", "Sure.", "Mm-hm."],
            "friendly": ["Oh, okay, that's good to know.", "Right, got it."],
            "impatient": ["Okay, and?", "Fine. What's the point?"],
            "skeptical": ["If you say so.", "Go on, I'm listening."],
            "analytical": ["Fine, that part is clear.", "Understood. What else?"],
            "cautious": ["Hmm, okay.", "All right, I'll keep that in mind."],
        },
    },
    "ack_warm": {
        "zh": ["嗯，你这么说我就清楚了。", "好，这个听着挺实在的。", "哦，原来是这样，挺好。", "嗯，你讲得挺明白的。"],
        "en": ["Okay, that makes it clearer.", "Right, that sounds fair.", "Oh, I see now. Good.",
               "That's a straight answer, thanks."],
    },
    "answered_ack": {
        "zh": ["哦，那我明白了。", "这样啊，那还好。", "嗯，这个说清楚了就行。", "好，我知道了。"],
        "en": ["Oh, I see, thanks.", "Okay, that's fine then.", "Good, that answers it.", "Right, understood."],
    },
    "question_reminder": {
        "zh": ["你还没回答我刚才问的呢。", "等等，我刚才那个问题你还没说。", "我刚才问的那个，到底怎么样？"],
        "en": ["You haven't answered my question.", "Wait, what about what I just asked?",
               "You skipped my question."],
    },
    "objection_reminder": {
        "zh": ["不过我刚才说的那个，你还没回我呢。", "先别急着问这个，我刚才的顾虑还在。", "这个先放一放，我前面那个问题怎么说？"],
        "en": ["But you still haven't dealt with what I said.", "Before that, my concern still stands.",
               "Let's not skip over what I just raised."],
    },
    "pushback": {
        "zh": {
            "_": ["你说的这些我还是不太认同。", "嗯……这个没说到点子上。", "话是这么说，可我还是有顾虑。", "这个我还是想不通。"],
            "skeptical": ["你这是销售话术吧，我不太信。", "说得好听，我还是不放心。"],
            "impatient": ["你没回答我的问题。", "绕来绕去的，说重点。"],
            "analytical": ["这个理由说服不了我。", "你这个回答不具体。"],
            "friendly": ["嗯……我还是有点犹豫。", "可是我还是觉得有点那个……"],
            "cautious": ["我还是有点担心。", "嗯，我心里还是没底。"],
        },
        "en": {
            "_": ["I'm still not convinced.", "That doesn't really answer it.", "Maybe, but I still have doubts.",
                  "I'm not sure that changes anything."],
            "skeptical": ["That sounds like a sales line.", "Nice words, but I don't buy it."],
            "impatient": ["You're not answering my question.", "You're going round in circles."],
            "analytical": ["That argument doesn't hold up for me.", "That's too vague."],
            "friendly": ["Hmm, I'm still a bit unsure.", "I don't know, I'm still hesitant."],
            "cautious": ["I'm still worried.", "I still don't feel sure about it."],
        },
    },
    "pushback_repeat": {
        "zh": ["你一直在绕，我问的不是这个。", "同样的话你说好几遍了。", "你没听懂我在担心什么。"],
        "en": ["You keep dodging my point.", "You've said that already.", "You're not listening to what worries me."],
    },
    "pressure_reaction": {
        "zh": {
            "_": ["你别催我，买保险又不是买菜。", "你这么急，我反而不放心了。", "我不喜欢被人推着做决定。"],
            "skeptical": ["一催我就知道有问题。", "越催我越不想买。"],
            "friendly": ["哎，别这么急嘛，让我想想。"],
            "impatient": ["别跟我来这套。"],
        },
        "en": {
            "_": ["Don't rush me, this isn't a snap decision.", "The more you push, the less I like it.",
                  "I don't like being pressured."],
            "skeptical": ["Pressure like that is exactly what I'm wary of.", "Now I'm even less keen."],
            "friendly": ["Whoa, slow down, let me think."],
            "impatient": ["Don't try that on me."],
        },
    },
    "breach_callout": {
        "zh": ["你这么说，我反而不太放心了。", "这话听着不太对劲吧？", "等一下，这种话能这么说吗？", "你确定？这听着有点玄。"],
        "en": ["Saying that makes me trust this less, not more.", "That doesn't sound right.",
               "Wait, are you even allowed to say that?", "Really? That sounds too good to be true."],
    },
    "breach_ack": {
        "zh": ["哦……是吗。", "嗯，这样啊。"],
        "en": ["Oh... really?", "Hmm, okay."],
    },
    "jargon_confused": {
        "zh": ["你说的这些词我听不太懂，能说简单点吗？", "一大堆术语，我有点晕。", "说人话吧，我不是专业的。"],
        "en": ["You've lost me with all the jargon.", "Can you say that in plain English?",
               "That's a lot of technical terms."],
    },
    "monologue": {
        "zh": ["你说得太多了，挑重点吧。", "嗯……你能简单说吗？我记不住这么多。"],
        "en": ["That's a lot at once. What's the main point?", "Could you keep it shorter? I can't follow all that."],
    },
    "close_too_early": {
        "zh": {
            "_": ["现在说这个还太早了吧，我还没弄明白呢。", "别急，我还不太了解呢。", "这就要定了？我还什么都没想好。"],
            "skeptical": ["你都还不了解我，就让我买？", "这就开始推销了？"],
        },
        "en": {
            "_": ["Isn't it a bit early for that? I don't understand it yet.", "Hold on, I'm not there yet.",
                  "We've barely talked and you want me to sign?"],
            "skeptical": ["You don't even know me and you want me to buy?", "And here comes the sales pitch."],
        },
    },
    "asks_for_time": {
        "zh": ["我再考虑一下吧，你先把资料发我。", "这样，我回去想想，过两天再联系。", "我今天先不定，再琢磨琢磨。"],
        "en": ["Let me think about it. Send me the details.", "I'll need some time. Can we talk again next week?",
               "I won't decide today. Let me mull it over."],
    },
    "buys": {
        "zh": {
            "_": ["好，那就这么定吧，接下来怎么操作？", "行，我决定买了，需要我准备什么？", "可以，就按你说的方案办吧。"],
            "friendly": ["好呀，那就办吧！接下来要我做什么？"],
            "skeptical": ["行吧，你说得在理，那就先这么办。"],
            "analytical": ["好，条件我都清楚了，可以办，流程是什么？"],
            "cautious": ["嗯……好，我愿意试试，就这么办吧。"],
            "impatient": ["行，办吧，快点就好。"],
        },
        "en": {
            "_": ["Okay, let's do it. What's the next step?", "Right, I'll take it. What do you need from me?",
                  "Fine, let's go ahead with that plan."],
            "friendly": ["Great, let's do it! What do I need to do?"],
            "skeptical": ["All right, you've made your case. Let's go ahead."],
            "analytical": ["Good, the terms are clear to me. How does the application work?"],
            "cautious": ["Okay... yes, I think I'm ready. Let's go ahead."],
            "impatient": ["Fine, let's do it, as long as it's quick."],
        },
    },
    "ends_call_trust": {
        "zh": ["算了，我不感兴趣了，先这样吧。", "我觉得不太靠谱，就不聊了。", "不用了，谢谢，我挂了。"],
        "en": ["Forget it, I'm not interested. Goodbye.", "I don't trust this. Let's stop here.",
               "No thanks. I'm hanging up."],
    },
    "ends_call_patience": {
        "zh": ["我这边还有事，今天就先到这吧。", "聊半天也没说到点上，先这样吧。", "不好意思，我得忙了，再见。"],
        "en": ["I have to go, let's leave it here.", "We're not getting anywhere. Bye for now.",
               "Sorry, I need to get on with my day. Goodbye."],
    },
    "after_end": {
        "zh": ["我已经说了，先这样吧。", "就这样，再见。", "不聊了，拜拜。"],
        "en": ["I've said what I had to say. Bye.", "That's all for today.", "Goodbye."],
    },
    "after_buy": {
        "zh": ["好的，那你把需要的东西发我就行。", "嗯，就按刚才说的办。", "行，后面的手续你安排吧。"],
        "en": ["Fine, just send me what you need.", "Okay, as we agreed.", "Sure, sort out the paperwork."],
    },
    "meta_confused": {
        "zh": ["你在说什么？我没听懂。", "啊？你这话什么意思？", "你到底是不是卖保险的？"],
        "en": ["Sorry, what are you talking about?", "I don't follow. What do you mean?",
               "Are you actually calling about insurance?"],
    },
    "closed_short": {
        "zh": ["嗯，算是吧。", "有一点吧。", "这个嘛……也说不好。"],
        "en": ["Sort of, yes.", "A bit, I suppose.", "Hard to say."],
    },
    "unsure": {
        "zh": ["这个我不太清楚，你说说看。", "没怎么了解过。", "听说过一点，不太懂。"],
        "en": ["I'm not sure, you tell me.", "I haven't really looked into it.", "I've heard of it, but I don't know much."],
    },
    "opinion": {
        "zh": ["听着还行，不过我还得再了解了解。", "目前来看还说不好。", "嗯，说不上好也说不上不好。"],
        "en": ["Sounds all right so far, but I need to know more.", "Too early to say.", "It's okay, I suppose."],
    },
    "smalltalk": {
        "zh": ["嗯，你说。", "好，然后呢？", "嗯嗯。", "你继续。"],
        "en": ["Okay, go on.", "Right, and?", "Sure.", "Carry on."],
    },
}

# What the customer asks about the product, by product matter. Answered by the agent when the
# agent's next message speaks to that matter (see understanding.PRODUCT_TOPIC_LEXICONS).
PRODUCT_QUESTIONS: dict[str, dict[str, list[str]]] = {
    "waiting_period": {
        "zh": ["买了以后马上就能保吗？有没有什么等待期？", "要是刚买完就查出病来，算不算？", "等待期是多久啊？"],
        "en": ["Am I covered straight away, or is there a waiting period?",
               "What if I'm diagnosed right after buying it?", "How long is the waiting period?"],
    },
    "exclusions": {
        "zh": ["哪些情况是不赔的？你得跟我说清楚。", "有什么是不保的吗？", "我最怕到时候这也不赔那也不赔。"],
        "en": ["What isn't covered? I want to know that up front.", "Are there things it won't pay for?",
               "My worry is finding out later it doesn't pay."],
    },
    "cooling_off": {
        "zh": ["要是买了以后后悔了，能退吗？", "签了以后还能反悔吗？", "万一我买完觉得不合适怎么办？"],
        "en": ["If I change my mind after signing, can I cancel?", "Is there a way out if I regret it?",
               "What happens if I buy it and then decide it's not for me?"],
    },
    "surrender": {
        "zh": ["中途要是急用钱，能退保吗？会亏吗？", "要是过几年不想要了，钱能拿回来多少？"],
        "en": ["If I need the money halfway through, can I get it out? Do I lose anything?",
               "If I stop after a few years, how much do I get back?"],
    },
    "guaranteed_return": {
        "zh": ["这个收益是保证的吗？", "你说的那些数字，是一定能拿到的吗？", "分红到底靠不靠谱？是不是写进合同的？"],
        "en": ["Is that return guaranteed?", "Are those numbers certain, or just examples?",
               "Is any of this written into the contract?"],
    },
    "deductible": {
        "zh": ["是不是有个什么免赔额？小病能报吗？", "花多少钱以上才能报？"],
        "en": ["Is there a deductible? Would it pay for small bills?", "How much do I have to pay myself first?"],
    },
    "renewal": {
        "zh": ["这个是一年一买吧？明年还能续吗？", "要是我今年生了病，明年还让不让续保？"],
        "en": ["It's a one-year policy, right? Can I renew next year?",
               "If I get ill this year, can I still renew?"],
    },
    "claims": {
        "zh": ["到时候理赔麻烦吗？要准备什么？", "理赔要多久才能拿到钱？"],
        "en": ["How hard is it to claim? What do I need?", "How long does a claim take to pay?"],
    },
    "payout": {
        "zh": ["从什么时候开始领钱？能领多久？", "每个月大概能领多少？"],
        "en": ["When do the payments start, and for how long?", "Roughly how much would I get each month?"],
    },
    "coverage": {
        "zh": ["具体保些什么？出了事能赔多少？", "这个主要是保什么的？"],
        "en": ["What exactly does it cover, and how much would it pay?", "What is it actually for?"],
    },
    "occupation_class": {
        "zh": ["我这工作经常在外面跑，也能保吗？", "我这个职业会不会不让买？"],
        "en": ["I'm on the road a lot for work. Does that matter?", "Could my job stop me from getting this?"],
    },
}
# fmt: on

PRODUCT_TYPE_QUESTIONS: dict[str, tuple[str, ...]] = {
    "critical_illness": ("waiting_period", "exclusions", "claims", "cooling_off"),
    "medical": ("deductible", "renewal", "exclusions", "waiting_period"),
    "term_life": ("coverage", "exclusions", "cooling_off", "waiting_period"),
    "whole_life_participating": ("guaranteed_return", "surrender", "cooling_off"),
    "annuity": ("payout", "guaranteed_return", "surrender"),
    "accident": ("exclusions", "occupation_class", "claims", "cooling_off"),
    "universal_life": ("guaranteed_return", "surrender", "cooling_off"),
}

TOPIC_LABELS: dict[str, dict[str, str]] = {
    "age": {"zh": "年龄", "en": "age"},
    "family": {"zh": "家里", "en": "family"},
    "income": {"zh": "收入", "en": "income"},
    "occupation": {"zh": "工作", "en": "work"},
    "health": {"zh": "身体", "en": "health"},
    "existing_cover": {"zh": "保险", "en": "insurance"},
    "debts": {"zh": "贷款", "en": "debts"},
    "budget": {"zh": "预算", "en": "budget"},
    "goals": {"zh": "打算", "en": "plans"},
    "retirement": {"zh": "养老", "en": "retirement"},
    "education": {"zh": "孩子上学", "en": "children's schooling"},
    "assets": {"zh": "存款", "en": "savings"},
}

# Objection-specific push-backs sound more like a person holding on to a worry than the
# generic ones; the engine mixes both.
PUSHBACK_BY_TYPE: dict[str, dict[str, list[str]]] = {
    "price": {
        "zh": ["可一年这么多钱，还是挺肉疼的。", "道理我懂，就是觉得贵。"],
        "en": ["It's still a lot of money every year.", "I get the idea, it just feels expensive."],
    },
    "spouse": {
        "zh": ["这么大的事，我一个人真定不了。", "我家这种事都是两个人商量着来。"],
        "en": [
            "I really can't decide something like this alone.",
            "We make these decisions together.",
        ],
    },
    "already_insured": {
        "zh": ["我还是觉得现在的保险够用了。", "我已经有保障了，再买不是重复吗？"],
        "en": [
            "I still think what I have is enough.",
            "Wouldn't this just duplicate what I've got?",
        ],
    },
    "scam": {
        "zh": ["反正我身边好多人说保险是坑。", "买的时候都好说，赔的时候就难了。"],
        "en": [
            "Everyone I know says insurance is a racket.",
            "It's always easy to buy and hard to claim.",
        ],
    },
    "invest": {
        "zh": ["我还是觉得钱放理财里更灵活。", "这收益跟我自己投资比差远了。"],
        "en": [
            "I still think my money works harder invested.",
            "My own investments do better than that.",
        ],
    },
    "think_it_over": {
        "zh": ["我还是想再考虑考虑。", "不急这一时吧，我再想想。"],
        "en": [
            "I'd still like to think it over.",
            "There's no rush, is there? I'll think about it.",
        ],
    },
    "no_need": {
        "zh": ["我觉得我现在真用不上。", "我身体好着呢，没必要吧。"],
        "en": ["I honestly don't think I need it.", "I'm healthy, I don't see the point."],
    },
    "trust": {
        "zh": ["我还是担心到时候理赔难。", "你们公司我都没怎么听说过。"],
        "en": ["I still worry the claim would be a fight.", "I've hardly heard of your company."],
    },
}

# A customer who hears a clear breach may say what bothered them, in their own words.
BREACH_CALLOUT_BY_RULE: dict[str, dict[str, list[str]]] = {
    "guaranteed_return": {
        "zh": ["保险还能保证收益？这话我可不太信。", "稳赚不赔？哪有这种好事。"],
        "en": [
            "A guaranteed return on insurance? I doubt that.",
            "No risk at all? Nothing is like that.",
        ],
    },
    "deposit_confusion": {
        "zh": ["等等，这到底是存款还是保险？", "你说跟存钱一样，那我为什么不直接存银行？"],
        "en": [
            "Hold on, is this a savings account or insurance?",
            "If it's like a deposit, why not just use the bank?",
        ],
    },
    "exaggerated_coverage": {
        "zh": ["什么都赔？那也太夸张了吧。", "什么病都保？我不太信。"],
        "en": [
            "It pays for everything? That sounds exaggerated.",
            "Every illness? I find that hard to believe.",
        ],
    },
    "concealed_exclusions": {
        "zh": ["不可能一点限制都没有吧？", "你越说不用看条款，我越想看。"],
        "en": [
            "There must be some limits somewhere.",
            "Now I really want to read the small print.",
        ],
    },
    "induced_nondisclosure": {
        "zh": ["不如实说的话，以后不赔怎么办？", "这样不太好吧，万一查出来呢？"],
        "en": [
            "And if I don't declare it and they refuse to pay?",
            "That doesn't sound right. What if they find out?",
        ],
    },
    "false_urgency": {
        "zh": ["又是马上涨价那一套？", "每次都说最后几天，我听多了。"],
        "en": ["The old 'price goes up tomorrow' line?", "Everyone says it's the last chance."],
    },
    "competitor_disparagement": {
        "zh": ["你说别家这么差，我反而怀疑你。", "贬低别人不太好吧。"],
        "en": [
            "Running down other companies makes me trust you less.",
            "That's not a nice way to sell.",
        ],
    },
    "regulator_endorsement": {
        "zh": ["国家给你们担保？真的假的？", "监管部门会给一个产品打包票？"],
        "en": [
            "The government guarantees it? Really?",
            "Since when does the regulator vouch for a product?",
        ],
    },
    "improper_benefit": {
        "zh": ["返钱给我？这合规吗？", "还送钱？这我可不敢要。"],
        "en": ["Cash back to me? Is that even allowed?", "A kickback? I'd rather not."],
    },
    "premium_handling": {
        "zh": ["钱打你个人账户？那可不行。", "为什么要把钱交给你个人？"],
        "en": ["Pay into your personal account? No way.", "Why would I pay you personally?"],
    },
    "proxy_signature": {
        "zh": ["你帮我签？这怎么行。", "字还是我自己签吧。"],
        "en": ["You'd sign for me? That's not right.", "I'll sign my own papers, thanks."],
    },
}


def pick(
    kind_bank: Mapping[str, object],
    language: str,
    rng: random.Random,
    *,
    temperament: str | None = None,
    avoid: Sequence[str] = (),
) -> str:
    """Choose one variant of a bank entry for ``language``, coloured by ``temperament``.

    Temperament-specific lines are preferred half of the time; ``avoid`` holds recently used
    lines so the same sentence does not come back two turns in a row.
    """
    entry = kind_bank.get(language) or kind_bank.get("zh")
    if isinstance(entry, Mapping):
        general = list(entry.get("_", []))
        special = list(entry.get(temperament or "", []))
        options = special if special and rng.random() < 0.5 else general + special
    else:
        options = list(entry or [])
    fresh = [line for line in options if line not in avoid]
    if fresh:
        return rng.choice(fresh)
    # Everything was said lately: reuse the line said longest ago.
    recent = list(avoid)
    return min(options, key=lambda line: max(i for i, said in enumerate(recent) if said == line))


def phrase(
    kind: str,
    language: str,
    rng: random.Random,
    *,
    temperament: str | None = None,
    avoid: Sequence[str] = (),
) -> str:
    """Pick a line of the named kind from :data:`PHRASES`."""
    return pick(PHRASES[kind], language, rng, temperament=temperament, avoid=avoid)
