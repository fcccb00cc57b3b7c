"""Data for `format.language`: Unicode script ranges and short stopword lists.

Stopwords are the most frequent function words of each language, chosen so that the lists
overlap little (words shared by several languages, like "a", "de", "la", "in", are left out of
all but the language where they are most telling, or out of all of them).
"""

from __future__ import annotations

__all__ = ["LANGUAGES", "LETTER_HINTS", "SCRIPT_RANGES", "STOPWORDS"]

# (first, last, script) code point ranges; anything not listed and not a letter is ignored.
SCRIPT_RANGES: list[tuple[int, int, str]] = [
    (0x0041, 0x024F, "Latin"),
    (0x1E00, 0x1EFF, "Latin"),
    (0x0370, 0x03FF, "Greek"),
    (0x0400, 0x052F, "Cyrillic"),
    (0x0590, 0x05FF, "Hebrew"),
    (0x0600, 0x06FF, "Arabic"),
    (0x0750, 0x077F, "Arabic"),
    (0x08A0, 0x08FF, "Arabic"),
    (0xFB50, 0xFDFF, "Arabic"),
    (0xFE70, 0xFEFF, "Arabic"),
    (0x0900, 0x097F, "Devanagari"),
    (0x0980, 0x09FF, "Bengali"),
    (0x0A00, 0x0A7F, "Gurmukhi"),
    (0x0A80, 0x0AFF, "Gujarati"),
    (0x0B80, 0x0BFF, "Tamil"),
    (0x0C00, 0x0C7F, "Telugu"),
    (0x0C80, 0x0CFF, "Kannada"),
    (0x0E00, 0x0E7F, "Thai"),
    (0x3040, 0x309F, "Kana"),
    (0x30A0, 0x30FF, "Kana"),
    (0x31F0, 0x31FF, "Kana"),
    (0xFF66, 0xFF9F, "Kana"),
    (0x1100, 0x11FF, "Hangul"),
    (0x3130, 0x318F, "Hangul"),
    (0xAC00, 0xD7AF, "Hangul"),
    (0x3400, 0x4DBF, "Han"),
    (0x4E00, 0x9FFF, "Han"),
    (0xF900, 0xFAFF, "Han"),
    (0x20000, 0x2FA1F, "Han"),
]

# language code -> (English name, script it is written in)
LANGUAGES: dict[str, tuple[str, str]] = {
    "en": ("English", "Latin"),
    "fr": ("French", "Latin"),
    "de": ("German", "Latin"),
    "es": ("Spanish", "Latin"),
    "it": ("Italian", "Latin"),
    "pt": ("Portuguese", "Latin"),
    "nl": ("Dutch", "Latin"),
    "vi": ("Vietnamese", "Latin"),
    "fi": ("Finnish", "Latin"),
    "sw": ("Swahili", "Latin"),
    "bg": ("Bulgarian", "Cyrillic"),
    "ru": ("Russian", "Cyrillic"),
    "uk": ("Ukrainian", "Cyrillic"),
    "el": ("Greek", "Greek"),
    "he": ("Hebrew", "Hebrew"),
    "ar": ("Arabic", "Arabic"),
    "fa": ("Persian", "Arabic"),
    "ur": ("Urdu", "Arabic"),
    "hi": ("Hindi", "Devanagari"),
    "mr": ("Marathi", "Devanagari"),
    "ne": ("Nepali", "Devanagari"),
    "bn": ("Bengali", "Bengali"),
    "pa": ("Punjabi", "Gurmukhi"),
    "gu": ("Gujarati", "Gujarati"),
    "ta": ("Tamil", "Tamil"),
    "te": ("Telugu", "Telugu"),
    "kn": ("Kannada", "Kannada"),
    "th": ("Thai", "Thai"),
    "zh": ("Chinese", "Han"),
    "ja": ("Japanese", "Kana"),
    "ko": ("Korean", "Hangul"),
}

STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        ["the", "and", "of", "to", "is", "that", "it", "was", "for", "with", "as", "on", "are", "be", "this", "have", "not", "but", "they", "at", "by", "from", "you", "or", "his", "her", "which", "an", "were", "has", "been", "would", "their", "there", "what", "all", "can", "will", "if", "we", "when", "who"]
    ),
    "fr": frozenset(
        ["le", "les", "des", "est", "et", "une", "du", "que", "qui", "dans", "pour", "pas", "sur", "au", "avec", "ce", "il", "elle", "sont", "nous", "vous", "mais", "aux", "ces", "cette", "leur", "été", "être", "fait", "comme", "ou", "son", "sa", "ses", "plus", "même", "était", "très", "aussi"]
    ),
    "de": frozenset(
        ["der", "die", "das", "und", "ist", "nicht", "ein", "eine", "zu", "den", "von", "mit", "sich", "des", "auf", "für", "im", "dem", "ich", "sie", "es", "auch", "wird", "sind", "wie", "bei", "oder", "aus", "nach", "noch", "werden", "wenn", "nur", "kann", "über", "einen", "einer", "hat", "war"]
    ),
    "es": frozenset(
        ["el", "los", "las", "que", "y", "es", "en", "del", "por", "con", "una", "para", "su", "al", "lo", "como", "más", "pero", "sus", "le", "ya", "fue", "este", "ha", "sí", "porque", "esta", "son", "entre", "cuando", "muy", "sin", "sobre", "también", "hay", "donde", "yo", "está"]
    ),
    "it": frozenset(
        ["il", "di", "che", "è", "e", "la", "per", "un", "una", "sono", "non", "gli", "si", "con", "del", "della", "le", "ma", "anche", "come", "più", "questo", "nel", "alla", "ha", "era", "suo", "lo", "dei", "delle", "hanno", "essere", "molto", "quando", "già", "perché"]
    ),
    "pt": frozenset(
        ["o", "os", "que", "e", "do", "da", "em", "um", "uma", "para", "com", "não", "mais", "as", "dos", "das", "se", "na", "no", "ao", "foi", "ele", "pelo", "pela", "mas", "são", "também", "isso", "muito", "já", "está", "quando", "nos", "seu", "sua", "entre"]
    ),
    "nl": frozenset(
        ["het", "een", "en", "van", "is", "dat", "niet", "op", "te", "zijn", "voor", "met", "die", "ook", "als", "er", "aan", "maar", "om", "hij", "bij", "nog", "wordt", "werd", "naar", "dan", "wel", "uit", "heeft", "kan", "ik", "zij", "worden", "deze"]
    ),
    "vi": frozenset(
        ["và", "của", "là", "có", "không", "được", "cho", "những", "một", "các", "trong", "này", "với", "người", "đã", "để", "khi", "thì", "cũng", "như", "đến", "từ", "sẽ", "rất", "nhưng", "chúng", "tôi", "bạn"]
    ),
    "fi": frozenset(
        ["ja", "on", "ei", "se", "että", "oli", "hän", "mutta", "kun", "niin", "myös", "ovat", "ole", "tai", "jos", "kuin", "mitä", "joka", "sitten", "sinun", "minä", "tämä", "hänen", "olla", "vain"]
    ),
    "sw": frozenset(
        ["na", "ya", "wa", "kwa", "ni", "katika", "za", "la", "cha", "hiyo", "kama", "lakini", "pia", "au", "mtu", "huu", "hii", "yake", "wake", "kuwa", "sana", "nini", "kwamba", "ili"]
    ),
    "hi": frozenset(["है", "के", "में", "की", "और", "को", "से", "का", "हैं", "यह", "कि", "पर", "भी", "नहीं", "लिए", "था", "ने", "हम", "आप", "वह"]),
    "mr": frozenset(["आहे", "व", "या", "हे", "आणि", "ते", "त्या", "मध्ये", "करून", "होते", "आहेत", "हा", "ही", "म्हणून", "किंवा", "तर"]),
    "ne": frozenset(["छ", "र", "मा", "हो", "यो", "गर्न", "पनि", "भएको", "छन्", "थियो", "लागि", "गरेको", "हुन्छ", "तथा"]),
    "bg": frozenset(["е", "да", "се", "за", "са", "че", "ще", "това", "като", "който", "която", "които", "бе", "съм", "беше", "във", "със"]),
    "ru": frozenset(["и", "в", "не", "на", "что", "с", "как", "это", "по", "но", "он", "она", "они", "его", "к", "из", "то", "от", "же", "так", "было"]),
    "uk": frozenset(["і", "в", "не", "на", "що", "з", "як", "це", "по", "але", "він", "вона", "вони", "його", "до", "із", "за", "те", "від", "же", "так", "було"]),
}

# Letters that occur in one language of a script and not (or rarely) in the others.
LETTER_HINTS: dict[str, str] = {
    "de": "äöüß",
    "fr": "çèêëàâîïôûœ",
    "es": "ñ¿¡",
    "pt": "ãõ",
    "it": "ìò",
    "uk": "іїєґ",
    "ru": "ыэё",
    "bg": "ъ",
    "ar": "يكة",
    "fa": "یکپچژگ",
    "ur": "ےٹڈڑںھ",
    "vi": "ơưđăạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ",
}
