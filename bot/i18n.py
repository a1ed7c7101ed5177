"""User-facing strings in Russian and English, in one place."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "ru": {
        "sources": "Источники",
        "source": "Источник",
        "data_for": "данные",
        "published": "опубл.",
        "clarify": "Уточните, пожалуйста, что вы имели в виду:",
        "none_intro": "К сожалению, на этот вопрос у меня нет проверенного ответа.",
        "none_topics": "Я отвечаю на вопросы о том:",
        "none_services": "Услуги, по которым есть инструкции:",
        "none_help": (
            "Если вашего вопроса здесь нет, загляните на портал Госуслуг https://www.gosuslugi.ru "
            "(там есть раздел помощи и поддержка) или обратитесь в МФЦ «Мои документы»."
        ),
        "topic_rating": "какое место Смоленская область занимает в рейтинге электронных госуслуг (по годам, в сравнении с соседями и лидерами);",
        "topic_shares": "сколько жителей зарегистрировано на Госуслугах и пользуется электронными услугами;",
        "topic_monitoring": "как устроен мониторинг качества электронных услуг Минэкономразвития;",
        "topic_mfc": "о МФЦ и региональном портале.",
        "empty": "Напишите вопрос словами — например: «Какое место Смоленская область заняла в рейтинге?»",
        "section_steps": "Как подать онлайн",
        "section_documents": "Документы",
        "section_fee": "Госпошлина",
        "section_time_limit": "Сроки",
        "section_in_person": "Лично и в МФЦ",
        "portal": "Подать заявление",
    },
    "en": {
        "sources": "Sources",
        "source": "Source",
        "data_for": "data for",
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
        "topic_mfc": "MFC centres and the regional portal.",
        "empty": 'Type your question in words, e.g. "What place did Smolensk oblast take in the rating?"',
        "section_steps": "How to apply online",
        "section_documents": "Documents",
        "section_fee": "State duty",
        "section_time_limit": "Time limits",
        "section_in_person": "In person and at an MFC",
        "portal": "Apply",
    },
}


def t(lang: str, key: str) -> str:
    """The string `key` in `lang`, falling back to Russian."""
    return STRINGS.get(lang, STRINGS["ru"]).get(key) or STRINGS["ru"][key]
