"""Words the matcher treats as one concept, and words it ignores.

Written as people type them, in either language; the normaliser reduces each variant to lemmas
once at start, so "госпошлину", "стоимость" and "fee" all become the concept "пошлина".
Concepts shared by Russian and English let an English question match a Russian phrasing.
"""

from __future__ import annotations

# concept -> variants (single words or phrases)
SYNONYMS: dict[str, tuple[str, ...]] = {
    "госуслуга": (
        "госуслуги", "гос услуги", "госуслуг", "гос услуг", "епгу", "единый портал",
        "портал госуслуг", "портал государственных услуг", "gosuslugi", "gos uslugi",
        "public services portal", "state services portal", "government services portal",
        "gosuslugi portal", "epgu",
    ),
    "регистрация": (
        "регистрация", "зарегистрировать", "зарегистрироваться", "регистрировать",
        "регистрироваться", "registration", "register", "registered", "registering", "sign up",
    ),
    "брак": (
        "брак", "свадьба", "пожениться", "жениться", "выйти замуж", "замуж", "расписаться",
        "бракосочетание", "marriage", "marry", "married", "wedding",
    ),
    "загс": ("загс", "зал торжеств", "registry office", "zags", "register office"),
    "пошлина": (
        "пошлина", "госпошлина", "стоимость", "цена", "стоить", "плата", "почем",
        "fee", "fees", "cost", "costs", "price", "duty", "how much",
    ),
    "срок": (
        "срок", "сроки", "как долго", "сколько ждать", "сколько дней", "how long", "deadline",
        "time limit", "processing time",
    ),
    "документ": ("документ", "документы", "бумаги", "document", "documents", "papers"),
    "мфц": (
        "мфц", "многофункциональный центр", "мои документы", "mfc", "my documents",
        "multifunctional centre", "multifunctional center",
    ),
    "охотбилет": (
        "охотничий билет", "охотбилет", "охот билет", "билет охотника", "hunting licence",
        "hunting license", "hunting ticket", "hunter licence", "hunter license",
    ),
    "охота": ("охота", "охотник", "hunting", "hunt", "hunter"),
    "загранпаспорт": (
        "загранпаспорт", "заграничный паспорт", "загран", "загранник", "загранка",
        "foreign passport", "international passport", "travel passport", "zagranpasport",
    ),
    "вод_удостоверение": (
        "водительское удостоверение", "водительские права", "водительское", "ву",
        "права водителя", "driving licence", "driving license", "driver licence",
        "driver license", "drivers license", "driver's license", "driver's licence",
        "driving permit",
    ),
    "детсад": (
        "детский сад", "детсад", "садик", "сад", "ясли", "доу", "kindergarten",
        "nursery", "preschool",
    ),
    "школа": ("школа", "первый класс", "1 класс", "первоклассник", "school", "first grade"),
    "гибдд": ("гибдд", "гаи", "госавтоинспекция", "дпс", "traffic police", "gibdd"),
    "автомобиль": (
        "автомобиль", "машина", "авто", "тачка", "транспортное средство", "тс",
        "автомашина", "car", "vehicle", "auto",
    ),
    "рейтинг": ("рейтинг", "rating", "ranking", "rank", "ranked", "рэнкинг"),
    "место": ("место", "позиция", "строчка", "place", "position", "spot"),
    "минэкономразвития": (
        "минэкономразвития", "мэр рф", "министерство экономического развития",
        "ministry of economic development", "minek",
    ),
    "житель": (
        "житель", "смолянин", "смоляне", "население", "граждане", "люди", "человек",
        "resident", "residents", "people", "population", "citizens",
    ),
    "процент": ("процент", "%", "доля", "percent", "share", "percentage", "proportion"),
    "пособие": ("пособие", "выплата", "allowance", "benefit", "benefits"),
    "штраф": ("штраф", "fine", "fines", "ticket"),
    "налог": ("налог", "tax", "taxes"),
    "паспорт": ("паспорт", "passport", "pasport"),
    "ребенок": ("ребенок", "дети", "малыш", "сын", "дочь", "child", "children", "kid", "kids", "baby"),
    "рождение": ("рождение", "родиться", "новорожденный", "роды", "birth", "newborn", "born"),
    "свидетельство": ("свидетельство", "certificate"),
    "заявление": ("заявление", "заявка", "application", "apply", "applying"),
    "электронный": (
        "электронный", "электронно", "онлайн", "интернет", "дистанционно", "online",
        "electronic", "electronically", "digital", "e-services", "internet",
    ),
    "услуга": ("услуга", "service", "services"),
    "последний": ("последний", "аутсайдер", "худший", "last", "worst", "bottom", "outsider"),
    "первый": ("первый", "first"),
    "лидер": ("лидер", "лучший", "лидировать", "leader", "leaders", "best"),
    "топ": ("топ", "top", "десятка", "top-10", "топ-10"),
    "сосед": ("сосед", "соседний", "соседи", "neighbour", "neighbor", "neighbours",
              "neighbors", "neighbouring", "neighboring"),
    "аккаунт": (
        "учетная запись", "аккаунт", "учетка", "личный кабинет", "профиль", "account",
        "profile",
    ),
    "подтвердить": (
        "подтвердить", "подтверждение", "подтвержденный", "верифицировать", "confirm",
        "confirmed", "confirmation", "verify", "verified", "verification",
    ),
    "замена": (
        "замена", "заменить", "поменять", "смена", "сменить", "продлить",
        "продление", "replace", "replacement", "change", "renew", "renewal", "exchange",
    ),
    "аннулировать": (
        "аннулировать", "аннулирование", "аннулироваться", "отмена", "отменить",
        "cancel", "cancellation", "cancelled", "revoke", "revocation", "annul",
    ),
    "изменение": ("изменение", "изменить", "менять", "динамика", "тенденция", "trend", "dynamics"),
    "сравнить": ("сравнить", "сравнение", "сравни", "по сравнению", "compare", "comparison", "versus", "vs"),
    "губернатор": ("губернатор", "глава региона", "governor"),
    "мониторинг": ("мониторинг", "monitoring"),
    "перепись": ("перепись", "census"),
    "экзамен": ("экзамен", "тест", "проверка знаний", "охотминимум", "exam", "test"),
    "очередь": ("очередь", "queue", "waiting list"),
    "получить": ("получить", "оформить", "выдача", "выдать", "get", "obtain", "issue"),
    "оплатить": ("оплатить", "оплата", "заплатить", "платить", "pay", "payment", "paying"),
    "возраст": ("возраст", "age"),
    "область": ("область", "регион", "край", "oblast", "region", "province"),
}

# Words that carry no meaning for matching, as people type them.
STOPWORDS: tuple[str, ...] = (
    # Russian
    "как", "что", "где", "когда", "куда", "зачем", "почему", "какой", "каков", "который", "кто",
    "сколько", "ли", "ль", "же", "бы", "вот", "это", "этот", "тот", "то", "такой", "так",
    "и", "или", "а", "но", "да", "нет", "в", "во", "на", "по", "за", "с", "со", "для", "у", "о",
    "об", "обо", "про", "от", "до", "из", "к", "ко", "при", "через", "без", "над", "под",
    "я", "мы", "ты", "вы", "он", "она", "они", "оно", "мне", "меня", "нам", "нас", "вам", "вас",
    "мой", "наш", "ваш", "свой", "его", "ее", "их", "весь", "все", "всё", "быть", "есть",
    "мочь", "можно", "нужно", "надо", "нельзя", "хотеть", "хочу", "подсказать", "скажите",
    "сказать", "пожалуйста", "плиз", "пж", "спасибо", "здравствуйте", "привет", "добрый",
    "день", "вечер", "утро", "ну", "уже", "еще", "ещё", "там", "тут", "здесь", "очень", "какие",
    "узнать", "интересовать", "знать", "вопрос", "информация", "делать", "сделать", "нужный",
    "год", "г", "гг", "году", "ныне", "сейчас", "сегодня", "теперь", "вообще", "именно",
    "данный", "самый", "также", "тоже", "если", "чтобы", "чем", "бот", "ботик",
    "подскажите", "подскажи", "помогите", "помочь", "объясните", "объяснить", "расскажите",
    "рассказать", "интересно", "возможно", "например", "срочно", "правильно", "вообще-то",
    "каким", "образом", "нибудь", "либо", "какой-то", "кстати", "короче", "типа", "просто",
    "хотелось", "хотел", "хотела", "хотим", "нужен", "нужна", "нужны", "надо-ли", "ребята",
    "уважаемый", "здрасте", "доброго", "дня", "мне-нужно", "всё-таки", "снова", "опять",
    "смоленский", "смоленск", "смоленщина", "область",
    # English
    "the", "a", "an", "of", "in", "on", "at", "for", "to", "from", "by", "with", "about", "and",
    "or", "how", "what", "when", "where", "which", "who", "whom", "why", "is", "are",
    "was", "were", "be", "been", "do", "does", "did", "can", "could", "should", "would", "will",
    "i", "me", "my", "we", "our", "you", "your", "it", "its", "they", "their", "this", "that",
    "these", "those", "please", "tell", "know", "hi", "hello", "there", "much", "many", "does",
    "need", "want", "year", "in the", "smolensk", "s", "here", "now", "some", "any", "into",
    "get", "could", "would", "like", "just", "help", "hey", "thanks", "thank", "got", "via",
    "if", "as", "so", "then", "than", "it's", "i'm", "dear", "kindly", "explain",
)
