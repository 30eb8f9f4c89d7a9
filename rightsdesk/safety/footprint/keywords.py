# ruff: noqa: RUF001 - the keyword lists hold Cyrillic letters and typographic quotes on purpose.
"""The words and patterns the footprint check looks for, in en, fa, ar, zh, ru, es and fr.

Everything is matched against *folded* text (see ``fold``), so the lists are folded the same way
when they are compiled. Latin and Cyrillic keywords must start a word; Persian, Arabic and Chinese
ones may sit anywhere, as those scripts join prefixes and do not separate words with spaces.
"""

from __future__ import annotations

import re

from rightsdesk.safety.footprint.findings import Severity

HIGH, MEDIUM, LOW = Severity.HIGH, Severity.MEDIUM, Severity.LOW


def _names(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# -- folding -----------------------------------------------------------------------------------

_FOLD: dict[str, str] = {
    **{chr(0x06F0 + digit): str(digit) for digit in range(10)},  # Persian digits
    **{chr(0x0660 + digit): str(digit) for digit in range(10)},  # Arabic-Indic digits
    "\u064a": "\u06cc",  # Arabic yeh → Persian yeh
    "\u0649": "\u06cc",  # alef maksura → Persian yeh
    "\u0643": "\u06a9",  # Arabic kaf → Persian kaf
    "\u200c": " ",  # zero-width non-joiner
    "\u00a0": " ",  # no-break space
    "_": " ",
}


def fold(text: str) -> str:
    """The text with the same length, normalised for matching (see the module docstring)."""
    # One replace per character present is much faster than str.translate on non-ASCII text.
    for character, replacement in _FOLD.items():
        if character in text:
            text = text.replace(character, replacement)
    return text


def lower(folded: str) -> str:
    """Lower case with the same length ("İ" is the one letter whose lower case is longer)."""
    return folded.replace("\u0130", "I").lower()


def trie_pattern(words: list[str] | tuple[str, ...]) -> str:
    """A regular expression matching any of the words, as a trie: ``a(?:ge|lumn)|b(?:orn)``.

    Python's engine tries the alternatives of a plain ``word|word|…`` one after the other at
    every position of the text; in a trie only the branch of the character at hand is tried,
    which makes a scan of a long page for a hundred words several times faster. Longer words
    win over their prefixes ("lives" over "live").
    """
    trie: dict[str, dict] = {}  # type: ignore[type-arg]
    for word in words:
        node = trie
        for character in word:
            node = node.setdefault(character, {})
        node[""] = {}

    def build(node: dict) -> str:  # type: ignore[type-arg]
        branches = [
            re.escape(character) + build(child)
            for character, child in sorted(node.items())
            if character
        ]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return "|".join(
        re.escape(character) + build(child) for character, child in sorted(trie.items())
    )


def _words(*alternatives: str) -> str:
    return "|".join(fold(alternative) for alternative in alternatives)


def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


# -- keyword lists (en, fa, ar, zh, ru, es, fr) ------------------------------------------------

# A Latin or Cyrillic keyword must start a word; Persian, Arabic and Chinese ones may sit anywhere,
# as those scripts join prefixes and do not separate words with spaces.
_B = r"(?<![\w])"

TOPIC_PATTERNS: dict[str, re.Pattern[str]] = {
    "religion": _compile(
        _B + r"(?:muslim|islam|christian|catholic|protestant|orthodox christian|jewish|judaism|"
        r"jew\b|buddhis|hindu|sikh|bah[aá]'?[ií]|atheis|agnostic|zoroastrian|shi'?a\b|shiite|"
        r"sunni|religio|мусульман|христиан|православ|атеист|иуде|буддист|религи|"
        r"musulm[aá]n|cristian|cat[oó]lic|ateo|atea|jud[ií]|religi[oó]n|chr[ée]tien|"
        r"catholique|ath[ée]e|juif|juive)"
        + "|"
        + _words(
            "مسلمان|شیعه|سنی|مسیحی|یهودی|بهائی|بهایی|زرتشتی|خداناباور|"
            "بی‌دین|آتئیست|دین|مذهب|مسلم|مسيحي|يهودي|شيعي|ملحد|ديانة|佛教|"
            "基督|伊斯兰|伊斯蘭|穆斯林|天主教|无神论|無神論|道教|宗教"
        )
    ),
    "politics": _compile(
        _B + r"(?:democrat|republican|liberal|conservative|socialis|communis|anarchis|libertarian|"
        r"feminis|monarchis|green party|political party|party member|коммунист|либерал|"
        r"парти|социалист|монархист|анархист|comunista|socialista|conservador|partido|"
        r"anarquista|communiste|socialiste|lib[ée]ral|conservateur|anarchiste|"
        r"parti politique)"
        + "|"
        + _words(
            "اصلاح‌طلب|اصولگرا|اصول‌گرا|سلطنت‌طلب|لیبرال|کمونیست|"
            "سوسیالیست|حزب|فمینیست|سیاسی|ليبرالي|شيوعي|اشتراكي|共产党|共產黨|"
            "民主党|民主黨|国民党|國民黨|民进党|民進黨|自由主义|社会主义|社會主義|政党|政黨"
        )
    ),
    "school": _compile(
        _B + r"(?:universit|college|high school|school|institute of|student|alumn|"
        r"университет|школ|институт|студент|universidad|colegio|escuela|estudiante|"
        r"lyc[ée]e|[ée]cole|coll[èe]ge|[ée]tudiant)"
        + "|"
        + _words(
            "دانشگاه|دبیرستان|مدرسه|دانشجو|دانش‌آموز|دانشکده|هنرستان|"
            "جامعة|مدرسة|كلية|طالب|大学|大學|中学|中學|学院|學院|学校|學校|学生|學生"
        )
    ),
    "employer": _compile(
        _B + r"(?:works? (?:at|for)|working (?:at|for)|employed (?:at|by)|employee|employer|"
        r"job at|работа[юе]т? в|сотрудник|trabaj[oa] en|emplead[oa]|travaille|employ[ée])"
        + "|"
        + _words(
            "کار می‌کنم|کار می‌کند|کارمند|شاغل|کارفرما|أعمل في|يعمل في|"
            "موظف|工作于|工作於|就职于|就職於|任职于|任職於|供职|供職|员工|員工"
        )
    ),
    "age": _compile(
        r"\b\d{1,2} (?:years? old|yo\b)|\bborn (?:in |on )?(?:\w+ )?(?:19|20)\d\d\b|"
        r"\bage\s*[:=]?\s*\d{1,2}\b|"
        r"\bмне \d{1,2} (?:лет|год)|родил(?:ся|ась) в \d{4}|"
        r"\btengo \d{1,2} años|\bnac[ií](?:do|da)? en (?:el )?\d{4}|"
        r"\bj'ai \d{1,2} ans|\bn[ée]e? en \d{4}|"
        + _words(
            r"\d{1,2} ?ساله",
            r"\d{1,2} ?سالمه",
            r"متولد ?(?:سال )?\d{4}",
            r"زاده ?(?:سال )?\d{4}",
            r"سن ?:? ?\d{1,2}",
            r"عمري \d{1,2}",
            r"مواليد \d{4}",
            r"\d{1,2} ?[岁歲]",
            r"(?:出生于|生于|出生於|生於) ?\d{4}",
            r"\d{4} ?年(?:出生|生)",
        )
    ),
}

# All the topics in one pass over a userbox's text; the group that matched names the topic.
TOPICS = re.compile(
    "|".join(f"(?P<{kind}>{pattern.pattern})" for kind, pattern in TOPIC_PATTERNS.items()),
    re.IGNORECASE,
)

# "lives in X", "اهل X", "来自X": the place word follows the phrase.
LOCATION_PHRASE = _compile(
    r"(?:\b(?:I live in|I'm from|I am from|I come from|lives in|living in|based in|resident of|"
    r"hails from|(?:this user|he|she) is from|born in|"
    r"живу в|живёт в|живет в|родом из|я из|"
    r"vivo en|vive en|soy de|reside en|"
    r"j'habite (?:à|a|en)|habite (?:à|a|en)|vit (?:à|a|en)|je vis (?:à|a|en)|originaire de)"
    r"\s+(?-i:[A-ZÀ-ÝА-ЯЁ][\w'’-]+(?:[ -][A-ZÀ-ÝА-ЯЁ][\w'’-]+){0,2}))"
    + "|(?:"
    + _words("ساکن", "اهل", "زاده", "زادهٔ", "متولد", "أعيش في", "أسكن في", "يعيش في", "مقيم في")
    + r")\s+(?!\d)[^\s\d|{}\[\]<>،,.]{2,}"
    + r"|(?:住在|来自|來自|居住在|居住于|居住於|现居|現居|出生于|出生於|生于|生於)"
    r"\s*[\u4e00-\u9fff]{2,8}"
)

REAL_NAME_PHRASE = _compile(
    r"(?:\bmy (?:real |full )?name is|\bI am called|\bme llamo|\bmi nombre es|"
    r"\bje m'appelle|\bmon nom est|\bменя зовут)\s+"
    r"(?-i:[A-ZÀ-ÝА-ЯЁ][\w'’-]+(?:\s+[A-ZÀ-ÝА-ЯЁ][\w'’-]+){0,3})"
    r"|(?-i:\bI am [A-Z][a-z'’-]+(?:\s+[A-Z][a-z'’-]+){1,2}\b)"
    + "|(?:"
    + _words("نام من", "اسم من", "اسمم", "اسمي", "اسمی")
    + r")\s+[^\s\d|{}\[\]<>،,.]{2,}(?:\s+[^\s\d|{}\[\]<>،,.]{2,})?"
    + r"|(?:我叫|我的名字是|我的名字叫|本名|真名)\s*[\u4e00-\u9fff]{2,4}"
)

SCHOOL_PHRASE = _compile(
    r"\b(?:I (?:study|studied) at|I am a student at|I'm a student at|student at|"
    r"graduated from|alumn(?:us|a) of|estudio en|j'étudie à|учусь в)\s+(?:the\s+)?[\w'’ -]{3,60}"
)

EMPLOYER_PHRASE = _compile(
    r"\b(?:I work (?:at|for)|I'm employed (?:at|by)|I am employed (?:at|by)|"
    r"trabajo en|je travaille (?:à|chez|pour)|работаю в)\s+(?:the\s+)?[\w'’ -]{3,60}"
)

PROSE_PATTERNS: tuple[tuple[str, Severity, re.Pattern[str]], ...] = (
    ("location", HIGH, LOCATION_PHRASE),
    ("real_name", HIGH, REAL_NAME_PHRASE),
    ("school", MEDIUM, SCHOOL_PHRASE),
    ("employer", MEDIUM, EMPLOYER_PHRASE),
    ("age", MEDIUM, TOPIC_PATTERNS["age"]),
)


def _fold_set(*groups: str) -> frozenset[str]:
    """The folded, casefolded names of "a|b|c" groups."""
    return frozenset(fold(name).casefold() for group in groups for name in group.split("|"))


PARAMETER_KINDS: tuple[tuple[str, Severity, frozenset[str]], ...] = (
    (
        "location",
        HIGH,
        _fold_set(
            "location|city|town|hometown|home town|lives|lives in|residence|from|"
            "birthplace|birth place|address|شهر|محل|محل زندگی|محل سکونت|زادگاه|"
            "نشانی|مدينة|المدينة|مكان|الإقامة|العنوان|城市|所在地|居住地|家乡|家鄉|地址|出生地|город|"
            "место|адрес|ciudad|ubicación|lugar|residencia|dirección|ville|lieu|"
            "résidence|adresse"
        ),
    ),
    (
        "location",
        MEDIUM,
        _fold_set(
            "country|nation|state|province|region|کشور|استان|بلد|البلد|دولة|国家|國家|省|"
            "страна|регион|país|provincia|pays|région"
        ),
    ),
    (
        "age",
        MEDIUM,
        _fold_set(
            "age|born|birth|birthday|birth date|birthdate|birth year|dob|"
            "year of birth|سن|تولد|تاریخ تولد|سال تولد|عمر|العمر|الميلاد|"
            "تاريخ الميلاد|年龄|年齡|出生|出生日期|生日|возраст|дата рождения|год рождения|edad|"
            "nacimiento|fecha de nacimiento|âge|naissance|date de naissance"
        ),
    ),
    (
        "school",
        MEDIUM,
        _fold_set(
            "school|university|college|education|alma mater|studies|مدرسه|دانشگاه|"
            "تحصیلات|مدرسة|جامعة|التعليم|学校|學校|大学|大學|学历|學歷|школа|университет|"
            "образование|escuela|universidad|educación|colegio|école|université|"
            "études"
        ),
    ),
    (
        "employer",
        MEDIUM,
        _fold_set(
            "employer|work|works at|workplace|job|occupation|company|organization|"
            "organisation|شغل|کارفرما|محل کار|شرکت|العمل|الوظيفة|جهة العمل|شركة|工作|"
            "职业|職業|单位|單位|公司|雇主|работа|место работы|профессия|компания|empleo|"
            "trabajo|empresa|ocupación|emploi|employeur|travail|entreprise|"
            "profession"
        ),
    ),
    (
        "religion",
        MEDIUM,
        _fold_set(
            "religion|faith|دین|مذهب|دين|الدين|ديانة|宗教|信仰|религия|вероисповедание|religión"
        ),
    ),
    (
        "politics",
        MEDIUM,
        _fold_set(
            "politics|party|political party|ideology|حزب|گرایش سیاسی|السياسة|政党|政黨|"
            "政治|партия|политика|partido|política|parti|politique"
        ),
    ),
    (
        "real_name",
        HIGH,
        _fold_set(
            "real name|realname|full name|fullname|birth name|نام واقعی|نام کامل|"
            "الاسم الحقيقي|الاسم الكامل|真名|本名|姓名|真实姓名|真實姓名|настоящее имя|полное имя|"
            "фио|nombre real|nombre completo|vrai nom|nom complet"
        ),
    ),
)

TOPIC_SEVERITY = {"religion": MEDIUM, "politics": MEDIUM, "school": MEDIUM, "employer": MEDIUM}

USERISH = _compile(
    r"user|utilisateur|usuario|участник|benutzer|"
    + _words("کاربر", "جعبه کاربر", "مستخدم", "用户", "用戶")
)
USER_PREFIX = _compile(
    r"^\s*(?:(?:user|utilisateur|usuario|участник|"
    + _words("کاربر", "مستخدم", "用户", "用戶")
    + r")(?:box)?\s*[:/ -]?\s*)+"
)
LANGUAGE_BOX_REST = re.compile(r"^[a-z]{2,3}(?:-[a-z]{2,4})?(?:[ -](?:[0-5]|N)|-n)?$")
# "User from Germany", "User location|Tehran": a userbox whose name says it is about a place.
USERBOX_LOCATION = _compile(
    r"(?:^|\s)(?:from|lives|living|location|resident|residence|city|hometown|born in|in)(?:\s|$)"
)
BABEL_NAMES = _fold_set("babel", "بابل", "#babel", "babel-n")
# "{{User language|fa|en-3}}", "{{کاربر زبان|fa}}": language userboxes named in words.
LANGUAGE_WORDS = _compile(
    r"(?<![\w])(?:language|langue|idioma|язык|babel)" + "|" + _words("زبان|لغة|语言|語言")
)
COORDINATE_NAMES = _fold_set(
    "coord|coords|coordinates|location dec|مختصات|坐标|座標|координаты||"
    "coordenadas|coordonnées|إحداثيات"
)
TEMPLATE_NAMESPACE = _compile(
    r"^\s*(?:template|" + _words("الگو", "قالب", "模板", "模版") + r"|шаблон|plantilla|modèle)\s*:"
)

# A small gazetteer: a userbox naming one of these is a location even without a keyword.
CITIES = _fold_set(
    "tehran|تهران|德黑兰|德黑蘭|тегеран|طهران|téhéran|teherán|mashhad|مشهد||"
    "isfahan|اصفهان|shiraz|شیراز|tabriz|تبریز|karaj|کرج|qom|قم|ahvaz|اهواز||"
    "kerman|کرمان|rasht|رشت|kabul|کابل|herat|هرات|mazar-i-sharif|مزار شریف||"
    "dushanbe|душанбе|beijing|北京|shanghai|上海|guangzhou|广州|廣州|shenzhen|深圳||"
    "chengdu|成都|wuhan|武汉|武漢|hangzhou|杭州|nanjing|南京|tianjin|天津|xi'an|西安||"
    "chongqing|重庆|重慶|hong kong|香港|taipei|台北|臺北|macau|澳门|澳門|urumqi|乌鲁木齐||"
    "lhasa|拉萨|moscow|москва|москве|saint petersburg|санкт-петербург||"
    "петербург|kyiv|kiev|киев|київ|minsk|минск|cairo|القاهرة|baghdad|بغداد||"
    "damascus|دمشق|beirut|بيروت|riyadh|الرياض|dubai|دبي|aleppo|حلب|istanbul||"
    "استانبول|ankara|madrid|barcelona|buenos aires|mexico city||"
    "ciudad de méxico|bogotá|bogota|lima|caracas|havana|la habana|santiago||"
    "paris|lyon|marseille|montréal|montreal|bruxelles|brussels|genève||"
    "geneva|london|new york|berlin|delhi|new delhi|lagos|nairobi||"
    "addis ababa|karachi|lahore|dhaka"
)
COUNTRIES = _fold_set(
    "iran|ایران|伊朗|иран|إيران|irán|afghanistan|افغانستان|tajikistan||"
    "تاجیکستان|china|中国|中國|taiwan|台湾|臺灣|russia|россия|ukraine|украина||"
    "belarus|беларусь|syria|سوريا|سوریه|iraq|العراق|عراق|egypt|مصر||"
    "saudi arabia|السعودية|turkey|türkiye|ترکیه|venezuela|cuba|mexico||"
    "méxico|spain|españa|france|germany|united states|usa|canada|pakistan||india|nigeria"
)
PLACE_LIKE = re.compile(
    r"^(?:[A-ZÀ-Ý][a-zà-ÿ'’-]+(?: [A-ZÀ-Ý][a-zà-ÿ'’-]+){0,2}"
    r"|[А-ЯЁ][а-яё-]+(?: [А-ЯЁ][а-яё-]+){0,2}"
    r"|[\u0600-\u06ff]+(?: [\u0600-\u06ff]+)?"
    r"|[\u4e00-\u9fff]{2,6})$"
)
# Common userbox words that look like place names but are not.
NOT_PLACES = _fold_set(
    "begin|end|start|top|bottom|شروع|پایان|آغاز|بالا|开始|開始|结束|結束|"
    "wikipedian|wikipedia|admin|administrator|sysop|rollbacker|patroller||"
    "editor|bureaucrat|male|female|vegetarian|vegan|linux|windows|firefox||"
    "commons|wikidata|bot|talk|sandbox|page|info|userbox|ویکی‌پدیا||"
    "ویکی‌پدیانویس|مدیر|گشت‌زن|ویرایشگر|مرد|زن|ویکی|维基人|維基人|维基百科|維基百科|管理员||"
    "管理員|巡查员|巡查員|编辑|編輯|википедист|администратор|wikipedista|wikipédien"
)

# A template region is parsed only when its lower-cased text holds one of these: a userbox or
# babel word, a coordinates template, a named parameter or a raster image (a trie of literals,
# see ``trie_pattern``).
INTEREST = re.compile(
    trie_pattern(
        [
            fold(word)
            for word in _names(
                "user babel coord = .jpg .jpeg .png .gif .webp .tif .heic .bmp участник usuario "
                "utilisateur координат #babel کاربر بابل مختصات مستخدم 用户 用戶 坐标 座標"
            )
        ]
    )
)

# Cheap triggers for the first-person phrases: each kind's full pattern is tried only in a
# window around a trigger found in the lower-cased text (see ``analyse._analyse_prose``).
_PROSE_TRIGGER_WORDS = (
    (
        "location",
        "live|from|based in|resident of|born in|живу|живёт|живет|родом|я из|vivo en|vive en|"
        "soy de|reside en|habite|vit à|vit a|vit en|vis à|vis a|vis en|originaire|ساکن|اهل|زاده|"
        "متولد|أعيش|أسكن|يعيش|مقيم|住在|来自|來自|居住|现居|現居|出生|生于|生於",
    ),
    (
        "real_name",
        "name is|i am |called|me llamo|mi nombre|m'appelle|mon nom|меня зовут|نام من|اسم من|"
        "اسمم|اسمي|اسمی|我叫|我的名字|本名|真名",
    ),
    ("school", "study|studied|student|graduated|alumn|estudio en|j'étudie|учусь"),
    ("employer", "i work|employed|trabajo en|je travaille|работаю"),
    (
        "age",
        "year|yo |born|age|мне |родил|tengo|nac|j'ai|né|ساله|سالمه|متولد|زاده|سن|عمري|مواليد|"
        "岁|歲|年生|年出生|出生|生于|生於",
    ),
)
# The kinds each trigger word may start; a word can serve several ("born", "متولد").
PROSE_TRIGGER_KINDS: dict[str, tuple[str, ...]] = {}
for _kind, _group in _PROSE_TRIGGER_WORDS:
    for _word in _group.split("|"):
        _word = fold(_word)
        PROSE_TRIGGER_KINDS[_word] = (*PROSE_TRIGGER_KINDS.get(_word, ()), _kind)
# A trie of plain literals without flags: the engine scans for their first letters and tries
# one branch per position, which is what makes this pass cheap on a long page.
PROSE_TRIGGERS = re.compile(trie_pattern(tuple(PROSE_TRIGGER_KINDS)))
# A phrase starts at most this far before its trigger ("this user is from") and is at most
# this long after it.
PROSE_WINDOW_BEFORE = 16
PROSE_WINDOW_AFTER = 160

RASTER_FILE = _compile(r"[^|{}\[\]<>\n]{1,200}\.(?:jpe?g|png|gif|webp|tiff?|heic|bmp)")

# -- contact details and links -----------------------------------------------------------------

# E-mail addresses and fediverse handles are looked for around each "@" only.
EMAIL = re.compile(r"(?<![\w.@+-])[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63})+")
EMAIL_AT_HINT = re.compile(r"[\[(]\s*at\s*[\])]")
EMAIL_OBFUSCATED = re.compile(
    r"(?<![\w.])[\w.+-]{1,64}\s*[\[(]\s*at\s*[\])]\s*[\w-]{1,63}"
    r"(?:\s*[\[(]\s*dot\s*[\])]\s*[\w-]{1,63})+",
    re.IGNORECASE,
)
MASTODON = re.compile(r"(?<![\w.@])@[A-Za-z0-9_]{1,30}@[\w-]{1,63}(?:\.[\w-]{1,63})+")
# Every alternative starts with a literal, so the engine scans for "+", "0", "9", "1" and "t"
# only; the character before a match is checked by ``analyse`` (``PHONE_NOT_AFTER``).
_PHONE_TAIL = r"(?![\w/.-]?\d)"
PHONE = re.compile(
    r"\+[1-9]\d{0,3}[\s.()-]{0,3}(?:\d[\s.()-]{0,2}){6,13}\d" + _PHONE_TAIL
    + r"|00[1-9]\d{0,3}[\s.()-]{0,3}(?:\d[\s.()-]{0,2}){6,13}\d" + _PHONE_TAIL
    + r"|09\d{2}[\s-]?\d{3}[\s-]?\d{4}" + _PHONE_TAIL  # Iranian mobile: 0912 345 6789
    + r"|9\d{2}[\s-]?\d{3}[\s-]?\d{4}" + _PHONE_TAIL
    + r"|1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}" + _PHONE_TAIL  # Chinese mobile: 139 1234 5678
    + r"|tel:\+?[\d-]{6,20}"
)  # fmt: skip
PHONE_NOT_AFTER = frozenset("+/=.-_")
# Found by their "//" (a literal the engine scans for quickly); the scheme before it is added.
URL = re.compile(r"//[^\s\[\]<>\"|{}]{3,300}")
COORDINATES_HINT = re.compile(r"[0-9°′″]\s?[NS]\b")
GEOHACK_HOSTS = frozenset(("geohack.toolforge.org", "tools.wmflabs.org", "geohack.wmflabs.org"))
COORDINATES_TEXT = re.compile(
    r"\b\d{1,2}(?:\.\d{3,}|°\s*\d{1,2}′(?:\s*\d{1,2}(?:\.\d+)?″)?)\s*°?\s*[NS]\b,?\s*"
    r"\d{1,3}(?:\.\d{3,}|°\s*\d{1,2}′(?:\s*\d{1,2}(?:\.\d+)?″)?)\s*°?\s*[EW]\b"
)
SOCIAL_HOSTS = frozenset(
    _names(
        "facebook.com fb.com instagram.com twitter.com x.com tiktok.com linkedin.com t.me "
        "telegram.me vk.com weibo.com weibo.cn github.com gitlab.com youtube.com youtu.be "
        "reddit.com pinterest.com threads.net bsky.app snapchat.com douyin.com bilibili.com "
        "zhihu.com aparat.com ok.ru medium.com flickr.com soundcloud.com quora.com wa.me "
        "whatsapp.com discord.gg discord.com mastodon.social twitch.tv"
    )
)
# Links to the wikis themselves and to reference sites are not about the person.
NEUTRAL_HOSTS = frozenset(
    _names(
        "wikipedia.org wikimedia.org wiktionary.org wikiquote.org wikibooks.org "
        "wikisource.org wikinews.org wikiversity.org wikivoyage.org wikidata.org "
        "mediawiki.org wikifunctions.org toolforge.org wmflabs.org wmcloud.org archive.org "
        "doi.org creativecommons.org gnu.org w3.org"
    )
)

GALLERY = re.compile(r"<gallery\b[^>]{0,500}>(.{0,20000}?)(?:</gallery\s*>|\Z)", re.I | re.S)
NAMESPACED_LINK = re.compile(r"\[\[[^\[\]|\n]{0,200}:[^\[\]\n]{0,300}\]\]")
