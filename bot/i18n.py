"""User-facing strings in Russian and English, in one place."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "ru": {
        "sources": "Источники",
        "source": "Источник",
        "published": "опубл.",
        "clarify": "Уточните, пожалуйста, что вы имели в виду:",
        "none_intro": "К сожалению, на этот вопрос у меня нет проверенного ответа.",
        "none_topics": "Я могу рассказать:",
        "none_services": "Услуги, по которым есть инструкции:",
        "none_help": (
            "Если вашего вопроса здесь нет, загляните на портал Госуслуг https://www.gosuslugi.ru "
            "(там есть раздел помощи и поддержка) или обратитесь в МФЦ «Мои документы»."
        ),
        "topic_rating": "какое место Смоленская область занимает в рейтинге электронных госуслуг (по годам, в сравнении с соседями и лидерами);",
        "topic_shares": "сколько жителей зарегистрировано на Госуслугах и пользуется электронными услугами;",
        "topic_monitoring": "как устроен мониторинг качества электронных услуг Минэкономразвития;",
        "topic_mfc": "что известно о МФЦ и региональном портале.",
        "talk_greeting": "Здравствуйте!",
        "talk_thanks": "Пожалуйста, рад помочь!",
        "talk_help": (
            "Я бот электронных госуслуг Смоленской области. Спросите своими словами — "
            "я отвечу со ссылкой на источник, а если не знаю, так и скажу:\n"
            "• какое место область заняла в рейтинге электронных госуслуг (по годам, в сравнении "
            "с соседями), и проверю, верно ли то, что вы о нём слышали;\n"
            "• сколько смолян на Госуслугах;\n"
            "• как получить услугу онлайн или в МФЦ: {services} — паспорт, запись к "
            "врачу, пособия, налоги, охота и другие.\n"
            "Или выберите в меню:"
        ),
        "services_title": "Услуги",
        "services_menu_intro": "Инструкции по услугам — выберите раздел или спросите своими словами:",
        "category_intro": "Выберите услугу или спросите своими словами:",
        "other_rating": (
            "Про этот рейтинг у меня проверенных данных нет. Я знаю рейтинг качества "
            "электронных госуслуг Минэкономразвития (за {years} годы) и рейтинги цифровой "
            "трансформации Минцифры (2024–2025) — спросите о них."
        ),
        "topic_services": "как получить услугу: {services} ({categories});",
        "section_history": "Ранее",
        "section_places": "Все известные места",
        "section_summary": "Коротко",
        "more": "Подробнее",
        "section_steps": "Как подать онлайн",
        "section_documents": "Документы",
        "section_fee": "Госпошлина",
        "section_time_limit": "Сроки",
        "section_in_person": "Лично и в МФЦ",
        "portal": "Подать заявление",
        "greeting": (
            "Здравствуйте! Я бот электронных госуслуг Смоленской области.\n\n"
            "Спросите меня своими словами — например: «Какое место область заняла в рейтинге?», "
            "«Сколько смолян на Госуслугах?», «Как получить охотничий билет?»\n\n"
            "Я отвечаю со ссылкой на источник и дату, а если не знаю — так и скажу."
        ),
        "help": (
            "Что я умею:\n"
            "• отвечать на вопросы словами, по-русски и по-английски;\n"
            "• /rank — место области в рейтинге электронных госуслуг (/rank 2019, /rank калужская);\n"
            "• /share — сколько смолян на Госуслугах;\n"
            "• /services — инструкции по услугам: документы, пошлина, сроки, МФЦ;\n"
            "• /language — язык (русский или английский);\n"
            "• /subscribe и /unsubscribe — новости об электронных услугах.\n\n"
            "Под каждым ответом можно оценить его кнопками 👍 и 👎."
        ),
        "menu_rank": "📊 Рейтинг",
        "menu_share": "👥 Сколько на Госуслугах",
        "menu_services": "📋 Услуги",
        "menu_subscribe": "🔔 Подписаться на новости",
        "menu_unsubscribe": "🔕 Отписаться от новостей",
        "subscribed": "Вы подписаны на новости. Отписаться: /unsubscribe",
        "unsubscribed": "Вы отписаны от новостей. Подписаться снова: /subscribe",
        "services_intro": "Выберите услугу:",
        "vote_up": "👍",
        "vote_down": "👎",
        "vote_thanks": "Спасибо за оценку!",
        "vote_unknown": "Этот ответ уже не найден.",
        "choose_language": "Выберите язык / Choose the language:",
        "language_set": "Язык: русский.",
        "non_text": "Я понимаю только текст. Напишите вопрос словами — например: «Как подать заявление в ЗАГС?»",
        "edited": "Я отвечаю на новые сообщения. Отправьте исправленный вопрос ещё раз.",
        "error": "Что-то пошло не так. Попробуйте ещё раз чуть позже.",
        "stale": "Эта кнопка устарела. Задайте вопрос ещё раз.",
        "rank_usage": "Не понял год или регион. Примеры: /rank, /rank 2019, /rank калужская",
        "portal_button": "Открыть Госуслуги",
        "ask_operator": "🙋 Спросить оператора",
        "operator_sent": "Вопрос передан оператору. Ответ придёт сюда.",
        "operator_answer": "Ответ оператора:",
        "unknown_command": "Такой команды нет. Список команд: /help",
        "forgotten": "Готово: ваши вопросы, оценки и подписка удалены.",
        "facts_csv_caption": "Ключевые цифры с источниками",
        "command_start": "Начало и меню",
        "command_rank": "Место области в рейтинге",
        "command_share": "Сколько смолян на Госуслугах",
        "command_services": "Инструкции по услугам",
        "command_language": "Язык: русский или английский",
        "command_subscribe": "Подписаться на новости",
        "command_unsubscribe": "Отписаться от новостей",
        "command_facts": "Ключевые цифры с источниками",
        "command_forget_me": "Удалить мои данные",
        "command_help": "Что умеет бот",
        "command_stats": "Статистика вопросов и подписчиков",
        "command_unanswered": "Вопросы без ответа",
        "command_broadcast": "Рассылка подписчикам",
        "command_broadcast_status": "Ход последней рассылки",
        "command_broadcast_cancel": "Остановить рассылку",
        "bot_description": "Бот электронных госуслуг Смоленской области. Спросите своими словами: какое место область заняла в рейтинге электронных госуслуг, сколько смолян на Госуслугах, как получить услугу онлайн или в МФЦ. Отвечаю со ссылкой на источник и дату, а если не знаю — так и скажу.",
        "bot_short_description": "Рейтинг электронных госуслуг Смоленской области, Госуслуги в цифрах и инструкции по услугам — с источниками.",
        "slow_down": "Слишком много сообщений подряд. Подождите полминуты — потом я снова отвечу.",
    },
    "en": {
        "sources": "Sources",
        "source": "Source",
        "published": "published",
        "clarify": "Could you clarify which of these you mean?",
        "none_intro": "Sorry, I don't have a verified answer to that question.",
        "none_topics": "I can answer questions about:",
        "none_services": "Services with how-to guides:",
        "none_help": (
            "If your question is not here, see the Gosuslugi portal https://www.gosuslugi.ru "
            '(it has a help section and support) or visit a "My Documents" MFC.'
        ),
        "topic_rating": "Smolensk oblast's place in the e-services rating (by year, against neighbours and leaders);",
        "topic_shares": "how many residents are registered on Gosuslugi and use e-services;",
        "topic_monitoring": "how the Ministry of Economic Development monitors e-services quality;",
        "topic_mfc": "what is known about MFC centres and the regional portal.",
        "talk_greeting": "Hello!",
        "talk_thanks": "You are welcome, glad to help!",
        "talk_help": (
            "I am the Smolensk oblast e-services bot. Ask in your own words: I answer with "
            "the source, and say so when I don't know:\n"
            "• the region's place in the e-services rating (by year, against its neighbours), "
            "and whether what you heard about it is right;\n"
            "• how many residents use Gosuslugi;\n"
            "• how to get a service online or at an MFC: {services} — passports, doctor's "
            "appointments, benefits, taxes, hunting and more.\n"
            "Or choose from the menu:"
        ),
        "services_title": "Services",
        "services_menu_intro": "How-to guides — choose a section or ask in your own words:",
        "category_intro": "Choose a service or ask in your own words:",
        "other_rating": (
            "I have no verified figures for that rating. I know the Ministry of Economic "
            "Development's rating of e-services quality (for {years}) and the Ministry of "
            "Digital Development's digital-transformation ratings (2024–2025): ask about those."
        ),
        "topic_services": "how to get a service: {services} ({categories});",
        "section_history": "Earlier figures",
        "section_places": "All known places",
        "section_summary": "In short",
        "more": "More",
        "section_steps": "How to apply online",
        "section_documents": "Documents",
        "section_fee": "State duty",
        "section_time_limit": "Time limits",
        "section_in_person": "In person and at an MFC",
        "portal": "Apply",
        "greeting": (
            "Hello! I am the Smolensk oblast e-services bot.\n\n"
            'Ask me in your own words, e.g. "What place did the region take in the rating?", '
            '"How many residents use Gosuslugi?", "How do I get a hunting licence?"\n\n'
            "I answer with the source and its date, and I say so when I don't know."
        ),
        "help": (
            "What I can do:\n"
            "• answer questions in your own words, in Russian or English;\n"
            "• /rank — the region's place in the e-services rating (/rank 2019, /rank kaluga);\n"
            "• /share — how many residents are on Gosuslugi;\n"
            "• /services — how-to guides: documents, fees, time limits, MFC;\n"
            "• /language — Russian or English;\n"
            "• /subscribe and /unsubscribe — news about e-services.\n\n"
            "Rate any answer with the 👍 and 👎 buttons under it."
        ),
        "menu_rank": "📊 Rating",
        "menu_share": "👥 Residents on Gosuslugi",
        "menu_services": "📋 Services",
        "menu_subscribe": "🔔 Subscribe to news",
        "menu_unsubscribe": "🔕 Unsubscribe from news",
        "subscribed": "You are subscribed to the news. To stop: /unsubscribe",
        "unsubscribed": "You are unsubscribed. To subscribe again: /subscribe",
        "services_intro": "Choose a service:",
        "vote_up": "👍",
        "vote_down": "👎",
        "vote_thanks": "Thank you for the feedback!",
        "vote_unknown": "This answer is no longer on record.",
        "choose_language": "Выберите язык / Choose the language:",
        "language_set": "Language: English.",
        "non_text": 'I only understand text. Type your question in words, e.g. "How do I register a marriage?"',
        "edited": "I answer new messages. Please send the corrected question again.",
        "error": "Something went wrong. Please try again a little later.",
        "stale": "This button has expired. Please ask again.",
        "rank_usage": "I did not recognise a year or region. Examples: /rank, /rank 2019, /rank kaluga",
        "portal_button": "Open Gosuslugi",
        "ask_operator": "🙋 Ask an operator",
        "operator_sent": "Your question has been passed to an operator. The answer will come here.",
        "operator_answer": "The operator's answer:",
        "unknown_command": "There is no such command. The commands: /help",
        "forgotten": "Done: your questions, votes and subscription are deleted.",
        "facts_csv_caption": "Key figures with sources",
        "command_start": "Start and menu",
        "command_rank": "The region's place in the rating",
        "command_share": "How many residents use Gosuslugi",
        "command_services": "How-to guides for services",
        "command_language": "Language: Russian or English",
        "command_subscribe": "Subscribe to news",
        "command_unsubscribe": "Unsubscribe from news",
        "command_facts": "Key figures with sources",
        "command_forget_me": "Delete my data",
        "command_help": "What the bot can do",
        "command_stats": "Questions and subscribers in figures",
        "command_unanswered": "Questions without an answer",
        "command_broadcast": "Send news to subscribers",
        "command_broadcast_status": "How the last broadcast is going",
        "command_broadcast_cancel": "Stop the broadcast",
        "bot_description": "The e-government services bot of Smolensk oblast. Ask in your own words: the region's place in the federal rating of electronic public services, how many residents use Gosuslugi, how to get a service online or at an MFC. Every answer cites its source and date; when I do not know, I say so.",
        "bot_short_description": "Smolensk oblast's e-services rating, Gosuslugi in figures and how-to guides for services, with sources.",
        "slow_down": "Too many messages at once. Please wait half a minute, then I will answer again.",
    },
}


def t(lang: str, key: str) -> str:
    """The string `key` in `lang`, falling back to Russian."""
    return STRINGS.get(lang, STRINGS["ru"]).get(key) or STRINGS["ru"][key]


def count_of(n: int, lang: str, ru_forms: tuple[str, str, str], en_forms: tuple[str, str]) -> str:
    """'41 инструкция', '3 инструкции', '12 инструкций'; '1 guide', '41 guides'."""
    if lang == "en":
        return f"{n} {en_forms[0] if n == 1 else en_forms[1]}"
    if n % 10 == 1 and n % 100 != 11:
        form = ru_forms[0]
    elif n % 10 in (2, 3, 4) and not 12 <= n % 100 <= 14:
        form = ru_forms[1]
    else:
        form = ru_forms[2]
    return f"{n} {form}"
