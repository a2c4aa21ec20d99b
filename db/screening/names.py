"""Names: normalisation, the names an entry and an exhibitor go by, and how they match.

Four kinds of match, strongest first (docs/screening.md has the rule in full):

``exact``
    an exhibitor's name, alias or pinyin equals the entry's name, ignoring only case,
    accents and spacing;
``alias``
    the same equality with one of the entry's ``alt_names``, or with the short name the
    entry gives in parentheses (``... Corporation (SMIC)``);
``normalised``
    equal once punctuation and spacing are dropped, ``&`` read as "and", a leading "and " or
    "the " dropped, and trailing legal forms removed (Co., Ltd.; Company Limited; Inc.;
    Corporation; Group; Technology/Technologies; LLC ...);
``fuzzy``
    the same *distinctive* words: after normalising, place names (Shenzhen, Shanghai,
    China ...) and generic words (technology, semiconductor, equipment ...) are set aside;
    the score is the Jaccard similarity of the two sets of remaining words (1.0 when the
    words are the same once their spacing is ignored: "Peng Xin Xu" and "Pengxinxu"). A
    fuzzy match needs a score of at least ``FUZZY_MIN`` and more in common than one Chinese
    syllable ("Peng", "Xin"): two firms that share one syllable are not a possible match.
    Entries for individuals and vessels are never matched fuzzily.

Exact, alias and normalised matches are matches; fuzzy ones are *possible* matches to check.
Two rules keep a match honest: a match on an abbreviation alone (one word of at most four
characters, "TEL", "SMIC") and a normalised match whose name is only place names and generic
words ("China Electronics") are possible matches, not matches.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

FUZZY_MIN = 0.6
KIND_RANK = {"exact": 0, "alias": 1, "normalised": 2, "fuzzy": 3}

# Legal forms removed from the end of a name (word by word, repeatedly).
LEGAL_TAIL = frozenset("""
co company companies corp corporation inc incorporated ltd limited llc llp plc lp pte pty pvt
private gmbh ag sa sas srl spa bv nv jsc ojsc cjsc pjsc oao zao ooo kk kg
group technology technologies youxian gongsi jituan
""".split())

# Words that say where a firm is, not which firm it is.
PLACES = frozenset("""
china chinese prc peoples people republic zhonghua zhongguo hongkong hk macau macao taiwan
beijing shanghai tianjin chongqing shenzhen guangzhou dongguan foshan zhuhai zhongshan huizhou
shantou jiangmen zhaoqing guangdong hangzhou ningbo wenzhou yiwu jinhua taizhou shaoxing
huzhou jiaxing zhejiang nanjing suzhou wuxi changzhou nantong yangzhou xuzhou kunshan
jiangsu hefei wuhu anhui fuzhou xiamen quanzhou fujian jinan qingdao yantai weifang weihai
shandong zhengzhou luoyang henan wuhan xiangyang hubei changsha zhuzhou xiangtan hunan
nanchang jiangxi chengdu mianyang sichuan guiyang guizhou kunming yunnan nanning guangxi
haikou sanya hainan xian shaanxi taiyuan shanxi shijiazhuang baoding hebei
shenyang dalian liaoning changchun jilin harbin heilongjiang hohhot baotou innermongolia mongolia
lanzhou gansu xining qinghai yinchuan ningxia urumqi xinjiang lhasa tibet xizang
qianhai nanshan futian longgang baoan pudong zhangjiang lingang haidian chaoyang
yizhuang zhongguancun songshan binhai huangpu tianhe yongkang cixi yuyao jiangyin
zhangjiagang changshu danyang jingdezhen putian jinjiang shishi chaozhou jieyang zhanjiang
maoming shaoguan qingyuan yangjiang heyuan meizhou shanwei zibo linyi jining tangshan
handan langfang cangzhou xingtai datong baotou anshan fushun jilin daqing yichang xiangyang
zhuzhou hengyang liuzhou guilin zunyi kunshan
russia russian iran iranian korea korean dprk syria syrian iraq lebanon belarus venezuela
cuba pakistan india turkey uae emirates dubai sharjah tehran moscow minsk caracas pyongyang
damascus beirut baghdad istanbul singapore malaysia kazakhstan uzbekistan
asia asian pacific east west north south northern southern eastern western central
international global worldwide overseas
""".split())

# Words that say what a firm does or is, not which firm it is.
GENERIC = frozenset("""
technology technologies tech hightech hitech hi high science sciences scientific
electronic electronics electric electrical electricity electro microelectronic
microelectronics micro semiconductor semiconductors semi ic integrated circuit circuits
chip chips wafer wafers equipment machinery machine machines industrial industry industries
manufacturing manufacture manufactory manufacturer materials material systems system
solutions engineering research institute institution academy center centre laboratory
lab development design trading trade import export holding holdings investment investments
information intelligent smart digital precision instrument instruments device devices
component components product products service services storage memory computing
computer computers software network networks communication communications telecom
optical optics optoelectronic optoelectronics photonics power energy new advanced
applied innovation innovative enterprise enterprises industrial commercial business
development factory works plant branch office department division unit subsidiary
affiliated entity company companies corp corporation co ltd limited inc group
lighting hardware tools tool parts auto automotive medical appliance appliances furniture
textile textiles garment garments toys stationery kitchenware decor home building
construction chemical chemicals pharmaceutical pharmaceuticals biotech logistics shipping
petroleum oil gas mining metal metals steel plastic plastics rubber paper packaging printing
food agriculture aviation aerospace automation robotics laser vacuum sensor sensors display
displays battery batteries solar cable cables wire valve valves pump pumps motor motors
keji dianzi jixie shiye youxian gongsi jituan zhineng xinxi kexue bandaoti shebei cailiao
guoji maoyi zhizao gufen jishu fazhan chuangxin yanjiusuo yanjiu
""".split())

STOPWORDS = frozenset("and the of for in at on a an to by no".split())

# Mandarin syllables (pinyin without tones). Two firms sharing one of them share little.
_SYLLABLES = """
a ai an ang ao ba bai ban bang bao bei ben beng bi bian biao bie bin bing bo bu
pa pai pan pang pao pei pen peng pi pian piao pie pin ping po pou pu
ma mai man mang mao me mei men meng mi mian miao mie min ming miu mo mou mu
fa fan fang fei fen feng fo fou fu da dai dan dang dao de dei den deng di dian diao die
ding diu dong dou du duan dui dun duo ta tai tan tang tao te teng ti tian tiao tie ting
tong tou tu tuan tui tun tuo na nai nan nang nao ne nei nen neng ni nian niang niao nie nin
ning niu nong nou nu nuan nuo nv nve la lai lan lang lao le lei leng li lia lian liang liao
lie lin ling liu long lou lu luan lun luo lv lve ga gai gan gang gao ge gei gen geng gong
gou gu gua guai guan guang gui gun guo ka kai kan kang kao ke ken keng kong kou ku kua
kuai kuan kuang kui kun kuo ha hai han hang hao he hei hen heng hong hou hu hua huai huan
huang hui hun huo ji jia jian jiang jiao jie jin jing jiong jiu ju juan jue jun qi qia qian
qiang qiao qie qin qing qiong qiu qu quan que qun xi xia xian xiang xiao xie xin xing xiong
xiu xu xuan xue xun zha zhai zhan zhang zhao zhe zhei zhen zheng zhi zhong zhou zhu zhua
zhuai zhuan zhuang zhui zhun zhuo cha chai chan chang chao che chen cheng chi chong chou chu
chua chuai chuan chuang chui chun chuo sha shai shan shang shao she shei shen sheng shi shou
shu shua shuai shuan shuang shui shun shuo ra ran rang rao re ren reng ri rong rou ru rua
ruan rui run ruo za zai zan zang zao ze zei zen zeng zi zong zou zu zuan zui zun zuo ca cai
can cang cao ce cen ceng ci cong cou cu cuan cui cun cuo sa sai san sang sao se sen seng si
song sou su suan sui sun suo ya yan yang yao ye yi yin ying yo yong you yu yuan yue yun wa
wai wan wang wei wen weng wo wu e ei en eng er o ou
"""
SYLLABLES = frozenset(_SYLLABLES.split())

_APOSTROPHES = re.compile(r"['’‘`´ʼ]")
_NOT_WORD = re.compile(r"[^0-9a-z]+")
_PAREN = re.compile(r"\(([^()]*)\)")
_AFFILIATE = re.compile(r"\bAffiliated Entit(?:y|ies)\s*:\s*", re.IGNORECASE)


def fold(text: str) -> str:
    """Case-folded, accents and compatibility forms (full-width letters) removed."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def exact_key(text: str) -> str:
    """The text compared by ``exact`` and ``alias``: only case, accents and spacing ignored."""
    return " ".join(fold(text).split())


def _folded_words(folded: str) -> list[str]:
    return _NOT_WORD.sub(" ", _APOSTROPHES.sub("", folded).replace("&", " and ")).split()


def words(text: str) -> list[str]:
    """Lower-case words of a name: punctuation dropped, apostrophes joined (Xi'an -> xian)."""
    return _folded_words(fold(text))


def strip_legal(ws: list[str]) -> list[str]:
    """Drop a leading "and"/"the" and trailing legal forms (may leave nothing)."""
    start = 0
    while start < len(ws) - 1 and ws[start] in ("and", "the"):
        start += 1
    end = len(ws)
    while end > start and ws[end - 1] in LEGAL_TAIL:
        end -= 1
    return ws[start:end]


def norm_key(text: str) -> str:
    """The text compared by ``normalised`` (spacing-insensitive; "" when nothing is left)."""
    return "".join(strip_legal(words(text)))


def distinctive(ws: list[str]) -> list[str]:
    """The words that tell one firm from another (places, generic words, stopwords dropped)."""
    return _distinct(strip_legal(ws))


_PAIR_START = frozenset(p[0] for p in (("hong", "kong"), ("inner", "mongolia"), ("xi", "an")))
_DROP = PLACES | GENERIC | STOPWORDS


def _distinct(ws: list[str]) -> list[str]:
    out = []
    i, n = 0, len(ws)
    while i < n:
        w = ws[i]
        if w in _PAIR_START and i + 1 < n and w + ws[i + 1] in PLACES:   # "hong kong"
            i += 2
            continue
        if w not in _DROP:
            out.append(w)
        i += 1
    return out


def is_abbreviation(text: str) -> bool:
    """One word of at most four letters or digits ("TEL", "SMIC", "PXW")."""
    ws = words(text)
    return len(ws) == 1 and len(ws[0]) <= 4


@dataclass(frozen=True)
class Name:
    """One name a record goes by, with its keys precomputed."""
    field: str           # exhibitor: name | aliases | pinyin; entry: name | alt_names
    role: str            # entry: name | alias (an alt name or a name given in parentheses)
    text: str            # as written (for an entry: the field's whole text)
    exact: str
    norm: str
    tokens: frozenset    # distinctive words
    compact: str         # distinctive words joined, in order

    @classmethod
    def make(cls, field: str, role: str, text: str, shown: str | None = None) -> "Name":
        folded = fold(text)
        core = strip_legal(_folded_words(folded))
        dist = _distinct(core)
        return cls(field, role, shown if shown is not None else text, " ".join(folded.split()),
                   "".join(core), frozenset(dist), "".join(dist))


def entry_names(name: str, alt_names: list[str]) -> list[Name]:
    """The names an entry goes by.

    The name as written; for "X. Affiliated Entity: Y" the affiliate Y (the listed party);
    a name's parenthesised part on its own when it is a short name ("(SMIC)"), and the name
    without it; a parenthesised place ("ACM Research (Shanghai)") stays part of the name.
    Each alternative name, without the connector "and " that BIS puts before the last one.
    """
    out: list[Name] = []
    seen: set[tuple[str, str]] = set()

    def add(field, role, text, shown):
        n = Name.make(field, role, text.strip(" ;,"), shown)
        if n.norm and (n.exact, role) not in seen:     # a name with words beyond legal forms
            seen.add((n.exact, role))
            out.append(n)

    name = name or ""
    own = _AFFILIATE.split(name)[-1] if _AFFILIATE.search(name) else name
    add("name", "name", own, name)
    for m in _PAREN.finditer(own):
        inner = m.group(1).strip()
        if not inner or not distinctive(words(inner)) or len(words(inner)) > 5:
            continue                     # a place or generic words: part of the name
        add("name", "alias", inner, name)
        add("name", "name", (own[:m.start()] + " " + own[m.end():]), name)
    for alt in alt_names or []:
        alt = alt.strip()
        if alt.lower().startswith("and "):
            alt = alt[4:]
        add("alt_names", "alias", alt, None)
    return out


def exhibitor_names(name: str, aliases: list[str], pinyin: str | None) -> list[Name]:
    """The names an exhibitor goes by: its name, each alias and its pinyin (Latin script only)."""
    out: list[Name] = []
    seen: set[str] = set()
    for field, texts in (("name", [name]), ("aliases", aliases or []), ("pinyin", [pinyin])):
        for text in texts:
            if not text or not isinstance(text, str):
                continue
            n = Name.make(field, "name", text)
            if _NOT_WORD.sub("", n.exact) and n.exact not in seen:     # Latin letters or digits
                seen.add(n.exact)
                out.append(n)
    return out


def weak_overlap(shared: set[str] | frozenset, compact: str = "") -> bool:
    """True when what two names share is one Chinese syllable or a word of two letters."""
    if compact:
        return compact in SYLLABLES or len(compact) <= 2
    if len(shared) != 1:
        return not shared
    (w,) = shared
    return w in SYLLABLES or len(w) <= 2


def fuzzy_score(a: Name, b: Name) -> float:
    """Similarity of two names' distinctive words (0 when too weak to be a possible match)."""
    if not a.tokens or not b.tokens:
        return 0.0
    if a.compact == b.compact:
        return 0.0 if weak_overlap(set(), a.compact) else 1.0
    shared = a.tokens & b.tokens
    if weak_overlap(shared):
        return 0.0
    return len(shared) / len(a.tokens | b.tokens)


def compare(ex: Name, en: Name, fuzzy_ok: bool) -> tuple[str, float] | None:
    """(kind, score) of the best match of an exhibitor name with an entry name, or None."""
    if ex.exact == en.exact:
        return ("exact" if en.role == "name" else "alias"), 1.0
    if ex.norm and ex.norm == en.norm:
        return "normalised", 1.0
    if fuzzy_ok:
        score = fuzzy_score(ex, en)
        if score >= FUZZY_MIN:
            return "fuzzy", round(score, 2)
    return None


def status_of(kind: str, ex: Name) -> str:
    """"match" or "possible" for a match of this kind on this exhibitor name."""
    if kind == "fuzzy" or is_abbreviation(ex.text):
        return "possible"
    if kind == "normalised" and not ex.tokens:
        return "possible"
    return "match"
