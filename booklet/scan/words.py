"""What the results, the review page and the annotated copies call things, in kk, ru and en.

Kept in one place so the spreadsheet's headings, the review page and the marks drawn on
the copies say the same thing the same way. A scanning run speaks the language its sheets
were printed in: `words_for(lang)` gives that language's `Words`, and every function that
writes teacher-facing text takes them as an argument. Where a word is already on the printed
pages (variant, task, points, page) it is the locale's word (`booklet/locales`).

Where a number and a word make a phrase the grammar differs («3-тапсырма», «Задание 3»,
«Task 3»), so a phrase is given whole with `{n}` in it. Russian counts are written as
«Сомнительных ответов: 2», which needs no plural forms.

Why a page could not be read is a `PageProblem`: the English sentence the command line and
the tests know, which also carries a code and its values, so the review page and the
annotated copy can say it in the page's language.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from ..roster import Pupil
from .marking import ItemResult, SheetResult, TickResult


@dataclass(frozen=True)
class Words:
    """Every teacher-facing word of a scanning run's files, in one language."""

    lang: str
    """The language's code, as `lang:` and `--lang` give it (kk, ru, en); the review page's `lang`."""
    pupil: str
    class_: str
    variant: str
    file: str
    page: str
    task_number: str
    """A task's heading with `{n}`: «{n}-тапсырма»."""
    page_number: str
    """A scanned page with `{n}`: «{n}-бет»."""
    total: str
    out_of: str
    percent: str
    mark: str
    status: str
    done: str
    incomplete: str
    """An unsettled doubt: the result is not a mark yet."""
    incomplete_doubts: str
    """An incomplete result with how many answers wait, `{n}`: «толық емес: {n} күмәнді жауап»."""
    item: str
    where: str
    right_answer: str
    answered: str
    share_right: str
    wrong_chosen: str
    blank: str
    doubts: str
    flag: str
    nobody_right: str
    everybody_right: str
    descriptor: str
    descriptor_label: str
    """A descriptor in the items' sheet with `{n}`: «Д{n}»."""
    results_sheet: str
    items_sheet: str
    annotated: str
    see_review: str
    doubt_reasons: Mapping[str, str]
    """Why an answer is doubtful, as the review page explains it."""
    states: Mapping[str, str]
    """What a circle looks like (filled, empty, uncertain)."""
    item_number: str
    """A row in doubt with `{n}` (its label): «{n}-сұрақ»."""
    descriptor_number: str
    """A tick box in doubt with `{n}`: «{n}-дескриптор»."""
    descriptor_points: str
    """A tick box's points with `{n}`: «{n} балл»."""
    line_number: str
    """A line of corrections.csv with `{n}`: «{n}-жол»."""
    to_review: str
    sheets_read: str
    doubtful_count: str
    leaves_incomplete: str
    """How many pupils' results the doubts leave incomplete, with `{n}`."""
    pages_unread: str
    doubts_heading: str
    how_to_correct: str
    """How to fill in corrections.csv; `code` in backquotes is shown as code."""
    header_row: str
    no_picture: str
    reason: str
    circle: str
    state: str
    darkness: str
    no_doubts: str
    unread_heading: str
    scan_again: str
    all_read: str
    page_problems: Mapping[str, str]
    """Why a page could not be read, by `PageProblem.code`, with the problem's values in `{…}`."""

    def task_heading(self, number: int) -> str:
        """«3-тапсырма», as the sheets print it."""
        return self.task_number.format(n=number)

    def page_of(self, file: str, page: int) -> str:
        """A scanned page as a teacher looks for it: «class-9a.pdf, 2-бет»."""
        return f"{file}, {self.page_number.format(n=page)}"

    def page_problem(self, problem: str) -> str:
        """Why a page could not be read, in this language (a problem without a code as it is)."""
        if isinstance(problem, PageProblem):
            return self.page_problems[problem.code].format_map(problem.values)
        return problem


class PageProblem(str):
    """Why a page could not be read: the English sentence (what `PageReading.problem` holds and
    the command line prints), with the code and values `Words.page_problem` says it again with."""

    code: str
    values: Mapping[str, str]

    def __new__(cls, code: str, **values: object) -> PageProblem:
        texts = {name: str(value) for name, value in values.items()}
        problem = super().__new__(cls, EN.page_problems[code].format_map(texts))
        problem.code, problem.values = code, MappingProxyType(texts)
        return problem

    def __reduce__(self) -> tuple:
        return _page_problem, (self.code, dict(self.values))


def _page_problem(code: str, values: dict[str, str]) -> PageProblem:
    return PageProblem(code, **values)


def _frozen(mapping: dict[str, str]) -> Mapping[str, str]:
    return MappingProxyType(mapping)


KK = Words(
    lang="kk",
    pupil="Оқушы",
    class_="Сынып",
    variant="Нұсқа",
    file="Файл",
    page="Бет",
    task_number="{n}-тапсырма",
    page_number="{n}-бет",
    total="Жалпы балл",
    out_of="Ең жоғары балл",
    percent="Пайыз",
    mark="Баға",
    status="Күйі",
    done="бағаланды",
    incomplete="толық емес",
    incomplete_doubts="толық емес: {n} күмәнді жауап",
    item="Сұрақ",
    where="Нұсқалардағы орны",
    right_answer="Дұрыс жауап",
    answered="Жауап бергені",
    share_right="Дұрыс жауап үлесі, %",
    wrong_chosen="Таңдалған қате жауаптар",
    blank="Жауап жоқ",
    doubts="Күмәнді",
    flag="Белгі",
    nobody_right="ешкім дұрыс жауап бермеді",
    everybody_right="барлығы дұрыс жауап берді",
    descriptor="Дескриптор",
    descriptor_label="Д{n}",
    results_sheet="Нәтижелер",
    items_sheet="Сұрақтар",
    annotated="тексерілген парақтар",
    see_review="review.html файлын қараңыз",
    doubt_reasons=_frozen(
        {
            "several": "бір қатарда бірнеше дөңгелек боялған",
            "uncertain": "белгі анық емес (әлсіз, сызылған немесе дақ)",
            "missing": "парақтың орналасуында бұл жол табылмады",
        }
    ),
    states=_frozen({"filled": "боялған", "empty": "бос", "uncertain": "анық емес"}),
    item_number="{n}-сұрақ",
    descriptor_number="{n}-дескриптор",
    descriptor_points="{n} балл",
    line_number="{n}-жол",
    to_review="тексеруге",
    sheets_read="Оқылған парақ",
    doubtful_count="Күмәнді жауап",
    leaves_incomplete="олар {n} оқушының нәтижесін толық емес қалдырады",
    pages_unread="Оқылмаған бет",
    doubts_heading="Күмәнді жауаптар",
    how_to_correct=(
        "Әр жауапты суреттен қарап шығыңыз да, `corrections.csv` файлындағы көрсетілген жолдың соңғы "
        "бағанына (`answer`) оқушы белгілеген әріпті не белгіні жазыңыз: жауап жоқ болса – `-`; мұғалім "
        "белгілейтін шаршы үшін `+` (белгіленді) не `-`. Бос қалған жол шешілмеген болып саналады. Сосын "
        "сканерлеуді осы файлмен қайта іске қосыңыз: `booklet scan … --corrections corrections.csv`."
    ),
    header_row="Файлдың тақырып жолы",
    no_picture="сурет жоқ",
    reason="Себебі",
    circle="Белгі",
    state="Күйі",
    darkness="Қоюлығы",
    no_doubts="Күмәнді жауап жоқ: барлық жауап анық оқылды.",
    unread_heading="Оқылмаған беттер",
    scan_again=(
        "Бұл беттерді қайта сканерлеңіз не суретке қайта түсіріңіз: парақ түгел көрінсін, төрт бұрыштағы "
        "шаршылар мен QR код жабылмасын."
    ),
    all_read="Барлық бет оқылды.",
    page_problems=_frozen(
        {
            "not-a-sheet-code": "бұл QR код booklet жауап парағының коды емес",
            "no-markers": "бұрыштағы шаршылар да, QR код та табылмады: бұл жауап парағы ма?",
            "unreadable-code": "QR код оқылмады: бетті тегіс әрі анық етіп қайта сканерлеңіз",
            "code-of-other-exam": "QR код «{exam}» жұмысының {variant} нұсқасын көрсетеді: бұл жұмыстың парағы емес",
            "few-markers": "бұрыштағы шаршылардың үштен азы табылды: бетті шаршыларымен қоса түгел сканерлеңіз",
            "markers-and-code-disagree": (
                "бұрыштағы шаршылар мен QR код бір-біріне сәйкес келмейді: парақ бүктелген не қиылған жоқ па?"
            ),
            "circles-out-of-line": (
                "басылған дөңгелектер парақтағы орнына дәл келмейді: бетті тегіс етіп қайта сканерлеңіз"
            ),
            "circles-lost": (
                "басылған дөңгелектердің бір бөлігі ({lost} / {count}) парақтағы орнында табылмады: "
                "бетті қайта сканерлеңіз"
            ),
            "other-exam": "бұл «{ours}» емес, «{exam}» жұмысының парағы: сол жұмыстың файлын --exam арқылы беріңіз",
            "question-paper": "бұл тапсырма парағы, жауап парағы емес: жауап парақтарын сканерлеңіз",
            "other-variant": (
                "{variant} нұсқасы (жинақ нөмірі {seed}) бұл жұмыс файлынан шықпайды: парақтар басылғаннан "
                "кейін файл өзгертілген жоқ па?"
            ),
        }
    ),
)

RU = Words(
    lang="ru",
    pupil="Ученик",
    class_="Класс",
    variant="Вариант",
    file="Файл",
    page="Страница",
    task_number="Задание {n}",
    page_number="страница {n}",
    total="Итоговый балл",
    out_of="Максимальный балл",
    percent="Процент",
    mark="Оценка",
    status="Статус",
    done="оценено",
    incomplete="не завершено",
    incomplete_doubts="не завершено, сомнительных ответов: {n}",
    item="Вопрос",
    where="Место в вариантах",
    right_answer="Правильный ответ",
    answered="Ответили",
    share_right="Доля правильных, %",
    wrong_chosen="Выбранные неверные ответы",
    blank="Нет ответа",
    doubts="Сомнительные",
    flag="Отметка",
    nobody_right="никто не ответил правильно",
    everybody_right="все ответили правильно",
    descriptor="Дескриптор",
    descriptor_label="Д{n}",
    results_sheet="Результаты",
    items_sheet="Вопросы",
    annotated="проверенные бланки",
    see_review="см. файл review.html",
    doubt_reasons=_frozen(
        {
            "several": "в одной строке закрашено несколько кружков",
            "uncertain": "отметка нечёткая (слабая, зачёркнутая или пятно)",
            "missing": "эта строка не найдена в разметке бланка",
        }
    ),
    states=_frozen({"filled": "закрашен", "empty": "пустой", "uncertain": "нечёткий"}),
    item_number="вопрос {n}",
    descriptor_number="дескриптор {n}",
    descriptor_points="баллы: {n}",
    line_number="строка {n}",
    to_review="на проверку",
    sheets_read="Прочитано бланков",
    doubtful_count="Сомнительных ответов",
    leaves_incomplete="из-за них не завершены результаты учеников: {n}",
    pages_unread="Не прочитано страниц",
    doubts_heading="Сомнительные ответы",
    how_to_correct=(
        "Просмотрите каждый ответ на снимке и впишите в последний столбец (`answer`) указанной строки файла "
        "`corrections.csv` букву или знак, который отметил ученик: если ответа нет – `-`; для квадрата, "
        "который отмечает учитель, – `+` (отмечено) или `-`. Незаполненная строка считается нерешённой. "
        "Затем снова запустите сканирование с этим файлом: `booklet scan … --corrections corrections.csv`."
    ),
    header_row="Строка заголовков файла",
    no_picture="нет снимка",
    reason="Причина",
    circle="Кружок",
    state="Состояние",
    darkness="Закрашено",
    no_doubts="Сомнительных ответов нет: все ответы прочитаны чётко.",
    unread_heading="Непрочитанные страницы",
    scan_again=(
        "Отсканируйте или сфотографируйте эти страницы ещё раз: лист должен быть виден целиком, квадраты "
        "в четырёх углах и QR-код не должны быть закрыты."
    ),
    all_read="Все страницы прочитаны.",
    page_problems=_frozen(
        {
            "not-a-sheet-code": "этот QR-код не с бланка ответов booklet",
            "no-markers": "не найдены ни угловые квадраты, ни QR-код: это бланк ответов?",
            "unreadable-code": "QR-код не читается: отсканируйте страницу ещё раз, ровно и чётко",
            "code-of-other-exam": "QR-код указывает на работу «{exam}», вариант {variant}: это бланк другой работы",
            "few-markers": "найдено меньше трёх угловых квадратов: отсканируйте страницу целиком, вместе с квадратами",
            "markers-and-code-disagree": "угловые квадраты и QR-код не согласуются: страница согнута или обрезана?",
            "circles-out-of-line": "напечатанные кружки не совпадают с бланком: отсканируйте страницу ещё раз, ровно",
            "circles-lost": "{lost} из {count} напечатанных кружков не на своих местах: отсканируйте страницу ещё раз",
            "other-exam": "это бланк работы «{exam}», а не «{ours}»: укажите файл этой работы в --exam",
            "question-paper": "это лист с заданиями, а не бланк ответов: отсканируйте бланки ответов",
            "other-variant": (
                "вариант {variant} (номер набора {seed}) не получается из этого файла работы: "
                "файл изменили после печати бланков?"
            ),
        }
    ),
)

EN = Words(
    lang="en",
    pupil="Pupil",
    class_="Class",
    variant="Version",
    file="File",
    page="Page",
    task_number="Task {n}",
    page_number="page {n}",
    total="Total",
    out_of="Out of",
    percent="Percent",
    mark="Mark",
    status="Status",
    done="marked",
    incomplete="incomplete",
    incomplete_doubts="incomplete, doubtful answers: {n}",
    item="Question",
    where="Place in versions",
    right_answer="Right answer",
    answered="Answered",
    share_right="Right, %",
    wrong_chosen="Wrong answers chosen",
    blank="No answer",
    doubts="Doubtful",
    flag="Note",
    nobody_right="nobody got it right",
    everybody_right="everybody got it right",
    descriptor="Descriptor",
    descriptor_label="D{n}",
    results_sheet="Results",
    items_sheet="Questions",
    annotated="marked sheets",
    see_review="see review.html",
    doubt_reasons=_frozen(
        {
            "several": "several circles filled in one row",
            "uncertain": "the mark is unclear (faint, crossed out or a smudge)",
            "missing": "this row was not found in the sheet's layout",
        }
    ),
    states=_frozen({"filled": "filled", "empty": "empty", "uncertain": "unclear"}),
    item_number="question {n}",
    descriptor_number="descriptor {n}",
    descriptor_points="points: {n}",
    line_number="line {n}",
    to_review="to review",
    sheets_read="Sheets read",
    doubtful_count="Doubtful answers",
    leaves_incomplete="results left incomplete: {n}",
    pages_unread="Pages not read",
    doubts_heading="Doubtful answers",
    how_to_correct=(
        "Look at each answer in its picture and write, in the last column (`answer`) of the line shown of "
        "`corrections.csv`, the letter or mark the pupil meant: `-` for no answer; for a box the teacher "
        "ticks, `+` (ticked) or `-`. A line left empty stays undecided. Then run the scan again with this "
        "file: `booklet scan … --corrections corrections.csv`."
    ),
    header_row="The file's heading row",
    no_picture="no picture",
    reason="Reason",
    circle="Circle",
    state="State",
    darkness="Ink",
    no_doubts="No doubtful answers: every answer was read clearly.",
    unread_heading="Pages not read",
    scan_again=(
        "Scan or photograph these pages again: the whole sheet in view, the four corner squares and the "
        "QR code not covered."
    ),
    all_read="Every page was read.",
    page_problems=_frozen(
        {
            "not-a-sheet-code": "the QR code is not a booklet answer sheet's",
            "no-markers": "no corner markers found and no QR code: is this an answer sheet?",
            "unreadable-code": "the QR code cannot be read: scan the page again, flat and sharp",
            "code-of-other-exam": "the QR code names exam «{exam}», variant {variant}: not a sheet of this exam",
            "few-markers": "fewer than three corner markers found: scan the whole page, markers included",
            "markers-and-code-disagree": "the corner markers and the QR code do not agree: is the page folded or cut?",
            "circles-out-of-line": "the printed circles do not line up with the sheet: scan the page again, flat",
            "circles-lost": "{lost} of {count} printed circles are not where the sheet has them: scan the page again",
            "other-exam": "this is a sheet of exam «{exam}», not «{ours}»: give that exam's file with --exam",
            "question-paper": "this is a question paper, not an answer sheet: scan the answer sheets",
            "other-variant": (
                "variant {variant} (seed {seed}) does not come out of this exam file: "
                "was the file changed after the sheets were printed?"
            ),
        }
    ),
)

WORDS = MappingProxyType({words.lang: words for words in (KK, RU, EN)})


def words_for(lang: str) -> Words:
    """The words of `lang` (kk, ru, en), as `page_settings` picks the printed pages' labels."""
    try:
        return WORDS[lang]
    except KeyError:
        raise ValueError(f"no scan words for language {lang!r}; choose from {', '.join(WORDS)}") from None


def who(result: SheetResult, roster: Sequence[Pupil] | None, words: Words = KK) -> tuple[str, str]:
    """(name, class) of a sheet's pupil from the class list by the QR's place; without one, the
    file and page, so a teacher can still find the sheet."""
    place = result.sheet.pupil
    if roster is not None and place is not None and 1 <= place <= len(roster):
        pupil = roster[place - 1]
        return pupil.name, pupil.class_name
    return words.page_of(result.source.file, result.source.page), ""


def read_as(item: ItemResult) -> str:
    """What the circles of a row look like, in the corrections file's short form: the filled
    marks joined by «+», an uncertain one followed by «?», nothing for an empty row."""
    parts = [r.circle.mark + ("?" if r.state == "uncertain" else "") for r in item.readings if r.state != "empty"]
    return "+".join(parts)


def tick_read_as(tick: TickResult) -> str:
    if tick.reading is None:
        return ""
    return {"filled": "+", "empty": "", "uncertain": "?"}[tick.reading.state]
