"""What the prose of the course claims, held to what exists and to what the notebooks print.

1. References resolve: every "notebook NN", "section N" / "§N" (and "notebook NN, section N") in the markdown of
   every solution notebook, the syllabus, the guides and the README points to a notebook that exists and to a
   numbered heading ("## N. ...") that exists in it. In a notebook a bare "section N" means that notebook; in a
   guide it means the notebook whose heading it stands under. And it says what the text claims, as far as a
   test can tell: when the words around a reference name a topic of the course (TOPICS: "initialisation",
   "lax.scan", "replay", ...), at least one of the topics named there is found in the section (or notebook) it
   points to.
2. No prose number without its computation (the convention, also in docs/architecture.md): every number written
   in a notebook's markdown with a decimal point or a % sign is printed by a code cell of the same notebook (its
   digits appear in a stored output), or is a setting written in a code cell (a learning rate the text names).
   Definitional maths is exempt when written inside `$...$` or inline `code` (for example
   $\\ln 10 \\approx 2.303$), and so are numbers in links.
Both read solutions/ (notebooks/ is generated from it; tests/test_authoring.py checks they agree).
"""
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = sorted((ROOT / "solutions").glob("[0-9][0-9]_*.ipynb"))
GUIDES = [ROOT / "docs" / "syllabus.md", ROOT / "docs" / "instructor_guide.md", ROOT / "docs" / "student_guide.md",
          ROOT / "README.md"]

NOTEBOOK_REFERENCE = re.compile(r"\b[Nn]otebooks? (\d{2})\b((?:,? (?:section|§) ?\d+)?)")
SECTION_REFERENCE = re.compile(r"(?:\b[Ss]ections? |§ ?)(\d+(?:(?:,| and| or|–|-| to) ?\d+)*)")
NUMBERED_HEADING = re.compile(r"^#{2,3} (?:Section )?(\d+)[.:) ]")


# Topics of the course, as they are written (lower case, hyphens dropped before matching: "over-fitting" is
# "overfitting"). A reference whose surrounding words name some of them must point where one of them is taught.
TOPICS = ("initiali", "regulari", "overfit", "underfit", "lax.scan", "replay", "dropout", "weight decay",
          "early stopping", "vmap", "jacobian", "softmax", "crossentropy", "confusion matrix", "misclassified",
          "finite difference", "gradient check", "chain rule", "momentum", "adam", "perceptron", "xor", "vanishing",
          "dead", "linear probe", "spiral", "dataparallel", "all-reduce", "mesh", "playground", "capstone",
          "baseline", "standardis", "snapshot", "learning rate", "universal approximation", "autograd",
          "feature engineering", "decision boundary", "loss landscape", "local minim", "saddle", "he ", "glorot",
          "batch size", "epoch", "digits", "tabular", "tpu", "gpu", "flops", "learning curve", "penalt",
          "forward pass", "backward pass")


def topics_in(text):
    text = text.lower().replace("-", "")
    return {topic for topic in TOPICS if topic.replace("-", "") in text}


def nearest_topic(context, words):
    """The topic named closest to the reference `words` in its clause (None when the clause names none). When the
    reference is followed by parentheses, "notebook 06 (training with fit)", only what they hold counts."""
    text = context.lower().replace("-", "")
    where = text.find(words.lower().replace("-", ""))
    after = text[where + len(words.replace("-", "")):]
    if where >= 0 and after.startswith(" ("):
        text, where = after[2:].split(")")[0], 0
    found = [(abs(match.start() - where), topic) for topic in TOPICS
             for match in re.finditer(re.escape(topic.replace("-", "")), text)]
    return min(found)[1] if found else None


def markdown_cells(path):
    return [cell for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "markdown"]


def headings(path):
    """{section number: heading text} of a notebook's numbered headings."""
    found = {}
    for cell in markdown_cells(path):
        for line in cell.source.splitlines():
            match = NUMBERED_HEADING.match(line)
            if match:
                found.setdefault(int(match.group(1)), line)
    return found


def section_texts(path):
    """{section number: the markdown and code of that section} and the whole notebook's text under None."""
    texts, current = {None: []}, None
    for cell in nbformat.read(path, as_version=4).cells:
        for line in cell.source.splitlines():
            match = NUMBERED_HEADING.match(line) if cell.cell_type == "markdown" else None
            if match:
                current = int(match.group(1))
            elif cell.cell_type == "markdown" and re.match(r"^## ", line):
                current = "other"
        texts.setdefault(current, []).append(cell.source)
        texts[None].append(cell.source)
    return {key: "\n".join(parts) for key, parts in texts.items()}


NOTEBOOKS = {path.name[:2]: path for path in SOLUTIONS}
HEADINGS = {number: headings(path) for number, path in NOTEBOOKS.items()}
TEXTS = {number: section_texts(path) for number, path in NOTEBOOKS.items()}


def without_code_and_links(text):
    text = re.sub(r"```.*?```", " ", text, flags=re.S)
    text = re.sub(r"`[^`]*`", " ", text)
    text = re.sub(r"\]\([^)]*\)", "]", text)            # link targets
    return re.sub(r"https?://\S+", " ", text)


def references(text, here):
    """(notebook, section or None, the words, the clause around them) for every reference in `text`; bare
    sections belong to `here`. Inline code stays in the clause (it may name the topic, `jax.lax.scan`), but its
    digits are masked so that code is never read as a reference."""
    text = re.sub(r"```.*?```", " ", text, flags=re.S)
    text = re.sub(r"`[^`]*`", lambda code: re.sub(r"\d", "#", code.group()), text)
    text = re.sub(r"\]\([^)]*\)", "]", text)
    text = re.sub(r"https?://\S+", " ", text)
    found = []
    covered = []
    for match in NOTEBOOK_REFERENCE.finditer(text):
        section = re.search(r"\d+", match.group(2)) if match.group(2) else None
        found.append((match.group(1), int(section.group()) if section else None, match.group(0),
                      clause(text, *match.span())))
        covered.append(match.span())
    for match in SECTION_REFERENCE.finditer(text):
        if any(start <= match.start() < end for start, end in covered):
            continue
        # "notebook 05's section 3", "in notebook 06 (section 4)": a notebook named just before it
        before = text[max(0, match.start() - 40):match.start()]
        named = list(re.finditer(r"\b[Nn]otebook (\d{2})\b", before))
        notebook = named[-1].group(1) if named else here
        for number in re.findall(r"\d+", match.group(1)):
            found.append((notebook, int(number), match.group(0), clause(text, *match.span())))
    return found


def clause(text, start, end):
    """The words around a reference, up to the nearest sentence or clause boundary (at most 80 characters)."""
    left = text[max(0, start - 80):start]
    left = re.split(r"[.;:!?\n]\s", left)[-1]
    right = re.split(r"[.;:!?\n](?:\s|$)", text[end:end + 50])[0]
    return left + text[start:end] + right


def reference_problems(notebook, section, words, where, context=""):
    if notebook is None:
        return [f"{where}: '{words}' names a section, but it is not clear of which notebook"]
    if notebook not in NOTEBOOKS:
        return [f"{where}: '{words}': there is no notebook {notebook}"]
    if section is not None and section not in HEADINGS[notebook]:
        return [f"{where}: '{words}': notebook {notebook} has no section {section} "
                f"(its numbered sections: {sorted(HEADINGS[notebook])})"]
    topic = nearest_topic(context, words)
    target_text = TEXTS[notebook].get(section, "") if section is not None else TEXTS[notebook][None]
    if topic and topic not in topics_in(target_text):
        target = f"notebook {notebook}" + (f", section {section}" if section is not None else "")
        return [f"{where}: '{context.strip()}' points to {target}, which says nothing of '{topic.strip()}'"]
    return []


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.name)
def test_references_in_a_notebook_resolve(path):
    problems = []
    here = path.name[:2]
    for index, cell in enumerate(nbformat.read(path, as_version=4).cells):
        if cell.cell_type != "markdown":
            continue
        for notebook, section, words, context in references(cell.source, here):
            problems += reference_problems(notebook, section, words, f"cell {index}", context)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", GUIDES, ids=lambda p: p.name)
def test_references_in_the_guides_resolve(path):
    problems = []
    here = None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith("#"):
            named = re.search(r"\b(\d{2})\b", line)
            here = named.group(1) if named and named.group(1) in NOTEBOOKS else None
        for notebook, section, words, context in references(line, here):
            problems += reference_problems(notebook, section, words, f"line {number}", context)
    assert not problems, "\n".join(problems)


# ------------------------------------------------------------------------------------------- prose numbers

MEASURED_NUMBER = re.compile(r"(?<![\w.])(\d+\.\d+|\d+(?:\.\d+)?(?= ?%))")


def prose_numbers(text):
    """The numbers with a decimal point or a % sign in markdown, outside maths, code and links."""
    text = without_code_and_links(text)
    text = re.sub(r"\$\$.*?\$\$", " ", text, flags=re.S)
    text = re.sub(r"\$[^$]*\$", " ", text)
    text = re.sub(r"<[^>]+>", " ", text)                 # HTML tags and their attributes
    return MEASURED_NUMBER.findall(text)


def printed_text(path):
    """Everything the code cells of a notebook printed or displayed as text, and their code (the settings)."""
    parts = []
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type != "code":
            continue
        parts.append(cell.source)
        for output in cell.get("outputs", []):
            if "text" in output:
                parts.append(output["text"])
            for kind in ("text/plain", "text/html", "text/markdown"):
                data = output.get("data", {}).get(kind)
                if data:
                    parts.append(data if isinstance(data, str) else "".join(data))
    return "\n".join(parts)


def appears(number, printed):
    """The digits of `number` stand in the output (not as part of a longer number)."""
    return re.search(rf"(?<![\d.]){re.escape(number)}(?!\d)", printed) is not None


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.name)
def test_every_number_in_the_prose_is_printed_by_the_notebook(path):
    printed = printed_text(path)
    missing = []
    for index, cell in enumerate(markdown_cells_with_index(path)):
        cell_index, source = cell
        for number in prose_numbers(source):
            if not appears(number, printed):
                missing.append(f"cell {cell_index}: {number}")
    assert not missing, ("numbers in the markdown that no code cell prints (print them, or write definitional "
                         "maths inside $...$):\n" + "\n".join(missing))


def markdown_cells_with_index(path):
    return [(index, cell.source) for index, cell in enumerate(nbformat.read(path, as_version=4).cells)
            if cell.cell_type == "markdown"]


# ------------------------------------------------------------------------------------------ the checkers

def test_the_reference_checker_catches_what_it_should():
    strip = lambda found: [item[:3] for item in found]     # noqa: E731
    assert strip(references("as notebook 06 shows", "01")) == [("06", None, "notebook 06")]
    assert strip(references("see section 3 and notebook 05, section 2", "01")) == [
        ("05", 2, "notebook 05, section 2"), ("01", 3, "section 3")]
    assert strip(references("sections 2 and 4", "03")) == [("03", 2, "sections 2 and 4"),
                                                          ("03", 4, "sections 2 and 4")]
    assert strip(references("notebook 05's section 7", "09")) == [("05", None, "notebook 05"), ("05", 7, "section 7")]
    assert references("`section 9` in code", "01") == []
    # A reference whose words name a topic the target never mentions (the defects this test was written for).
    assert topics_in("a good initialisation (notebook 06)") == {"initiali"}
    assert topics_in("Over-fitting, Glorot") == {"overfit", "glorot"}
    assert nearest_topic("a smaller learning rate, a good initialisation (notebook 06), or", "notebook 06") == "initiali"
    assert nearest_topic("notebook 05 (the backward pass) and notebook 06 (training with fit)", "notebook 06") is None
    some = next(iter(NOTEBOOKS))
    assert reference_problems("99", None, "notebook 99", "x") and reference_problems(some, 999, "section 999", "x")
    assert not reference_problems(some, None, f"notebook {some}", "x")


def test_the_number_checker_catches_what_it_should():
    assert prose_numbers("accuracy 97.2% after 20 epochs, loss 0.31") == ["97.2", "0.31"]
    assert prose_numbers("$\\ln 10 \\approx 2.303$ and `lr=0.1` and [x](a/1.5.html)") == []
    assert prose_numbers("about 45 % of them, version 3 of 10") == ["45"]
    assert appears("0.31", "loss 0.31\n") and not appears("0.31", "loss 0.315") and not appears("1.5", "21.5")
