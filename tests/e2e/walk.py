"""The page walk's checks: JavaScript run in a loaded page, and the Python that drives it.

One load of a page is inspected at every width of WIDTHS by resizing the viewport in place (the
first width is the one the page was loaded at); `inspect_loaded_page()` returns a Finding per
defect, each with a CSS selector of the element at fault:

overflow
    The page scrolls sideways: document.documentElement.scrollWidth exceeds the viewport, and
    still does half a second later (a chart may resize a frame or two after the viewport). The
    findings name the elements where the overflow starts (an element past the right edge whose
    parent is not, once cut to the ancestors that clip it), up to five of them.
word-break
    A word broken across two lines inside a label, button (.btn), nav link, tab, table header,
    badge or legend. Words are the word-like segments of Intl.Segmenter in the page's language,
    two characters or longer: a break after a hyphen or between two Chinese words (截止 | 日期)
    is not inside a word; 截止日 | 期 is.
overlap
    Interactive controls (inputs, selects, textareas, buttons, links, .btn, tabs) whose visible
    boxes intersect by more than 2 px in both directions (an element and its own descendant are
    not compared, and Bootstrap's 1 px overlap of grouped buttons passes), or a control that
    sticks out of its card, list item, alert, modal, accordion item or table cell by more than
    2 px. Boxes are cut to the ancestors that clip them (overflow other than visible), so a
    control scrolled out of sight in a .table-responsive is not counted; inline links are
    compared line box by line box.
console
    A console message of type error, an uncaught exception or a Content-Security-Policy
    violation during the load and the resizes (once per load).
untranslated
    Chinese pages only, once per load: a page that does not say it is Chinese (<html lang>) is
    one finding; otherwise, English left in the UI chrome. The chrome is the text of
    label, button, th, legend, nav (and its links and list items), .nav-link, .btn, .badge and
    tabs (a text counts for the innermost of these elements that holds it), the value of submit
    and button inputs, the placeholder, title and aria-label attributes of any element, and the
    document's title. The options of a select, a textarea's content and anything inside an
    element marked translate="no" are data, not chrome. From each text the rule takes out, in
    this order:
    - the world's data: every text value up to 200 characters of the project's own models in
      the database, fields with choices left out (those are codes): project names and codes,
      people's names, client names, e-mail addresses, the titles of deliverables, tasks, risks,
      documents, meetings and the rest; as whole words, case-sensitive, longest first;
    - e-mail addresses, URLs and paths, ISO dates and times, time zone names (Area/City), file
      names (name.ext) and numbers;
    - the product's name "Rapport", "English" (the language switcher names each language in that
      language), the names of formats "Markdown" and "Excel", and acronyms (capitals only, up to
      six letters: CSV, PDF, RACI, EUR, UTC).
    A text is a finding when a Latin word of two letters or more is left.
axe
    axe-core (tests/e2e/vendor/axe.min.js) violations of impact serious or critical, once per
    load, at the first width (1366 px, where the desktop layout shows every nav link to axe);
    one finding per rule, naming its first three nodes.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playwright.sync_api import BrowserContext, Page

WIDTHS = (1366, 768, 375)
HEIGHT = 900
OVERFLOW_GRACE_MS = 500
CHECKS = ("load", "overflow", "word-break", "overlap", "console", "untranslated", "axe")
CHINESE = "zh-hans"

# What each check looks at (CSS selectors, handed to the page's JavaScript).
SELECTORS = {
    # word-break: labels, buttons, nav links, tabs, table headers, badges.
    "words": "label, button, .btn, .nav-link, nav a, [role=tab], .nav-tabs a, th, .badge, legend",
    # overlap: interactive controls, and the containers they must stay inside.
    "controls": (
        "input:not([type=hidden]), select, textarea, button, a[href], .btn, [role=button], "
        "[role=tab]"
    ),
    "containers": (
        ".card, .modal-content, .list-group-item, .alert, .accordion-item, .toast, td, th"
    ),
    # untranslated: the chrome's texts, and what is data inside it.
    "chrome": "label, button, th, legend, nav, nav a, nav li, .nav-link, .btn, .badge, [role=tab]",
    "not_chrome": "script, style, template, noscript, select, option, textarea, [translate=no]",
}

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()

# Two animation frames after a resize: the layout and the paint of the new width are done.
SETTLE = """async () => {
  await document.fonts.ready;
  await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
}"""

# Functions shared by the checks (JavaScript, defined inside each evaluated function).
HELPERS = r"""
  const TOLERANCE = 2;
  // Bootstrap's utility classes say little about which element it is.
  const UTILITY = new RegExp(
    "^(active|show|collapsed|disabled|fade|w-|h-|fw-|fs-|text-|bg-|border|rounded|shadow|small" +
    "|[mp][tbsexy]?-|d-|gap-|align-|justify-|flex-|order-|position-|top-|start-|end-|bottom-" +
    "|translate-|col-|row-|g-)"
  );

  // A short CSS selector: up to five steps, stopping at an id or a data-testid.
  function cssPath(element) {
    const parts = [];
    let node = element;
    while (node && node.nodeType === 1 && parts.length < 5) {
      if (node.id && document.querySelectorAll("#" + CSS.escape(node.id)).length === 1) {
        parts.unshift("#" + CSS.escape(node.id));
        break;
      }
      let part = node.localName;
      const testid = node.getAttribute("data-testid");
      if (testid) {
        part += `[data-testid="${testid}"]`;
      } else {
        const classes = [...node.classList].filter((c) => !UTILITY.test(c)).slice(0, 2);
        if (classes.length) part += "." + classes.map((c) => CSS.escape(c)).join(".");
      }
      const parent = node.parentElement;
      if (parent && !testid) {
        const same = [...parent.children].filter((c) => c.localName === node.localName);
        if (same.length > 1) part += `:nth-of-type(${same.indexOf(node) + 1})`;
      }
      parts.unshift(part);
      if (testid || node.localName === "body" || node.localName === "main") break;
      node = parent;
    }
    return parts.join(" > ");
  }

  function oneLine(text, length) {
    return (text || "").replace(/\s+/g, " ").trim().slice(0, length);
  }
"""

# The layout checks at the current width, and (when asked) the chrome texts for the untranslated
# check. Returns {findings: [{check, selector, detail}], chrome: [{selector, source, text}]}.
LAYOUT_CHECKS = (
    "(options) => {"
    + HELPERS
    + r"""
  const S = options.selectors;
  const findings = [];
  const found = (check, element, detail) => {
    findings.push({check, selector: cssPath(element), detail});
  };

  function box(rect) {
    return {left: rect.left, top: rect.top, right: rect.right, bottom: rect.bottom};
  }

  function intersect(a, b) {
    return {
      left: Math.max(a.left, b.left), top: Math.max(a.top, b.top),
      right: Math.min(a.right, b.right), bottom: Math.min(a.bottom, b.bottom),
    };
  }

  function sized(b) {
    return b.right - b.left >= TOLERANCE && b.bottom - b.top >= TOLERANCE;
  }

  // The part of the page an element may paint in: the padding boxes of the ancestors that clip
  // it (overflow other than visible). An absolutely positioned element escapes the ancestors
  // below its containing block, a fixed one all but transformed ones.
  function clipOf(element) {
    const clip = {left: -Infinity, top: -Infinity, right: Infinity, bottom: Infinity};
    let position = getComputedStyle(element).position;
    for (let a = element.parentElement; a && a !== document.body; a = a.parentElement) {
      const style = getComputedStyle(a);
      const transformed = style.transform !== "none";
      if (position === "absolute" && style.position === "static" && !transformed) continue;
      if (position === "fixed" && !transformed) continue;
      position = style.position;
      if (style.overflowX === "visible" && style.overflowY === "visible") continue;
      const r = a.getBoundingClientRect();
      const left = r.left + a.clientLeft;
      const top = r.top + a.clientTop;
      if (style.overflowX !== "visible") {
        clip.left = Math.max(clip.left, left);
        clip.right = Math.min(clip.right, left + a.clientWidth);
      }
      if (style.overflowY !== "visible") {
        clip.top = Math.max(clip.top, top);
        clip.bottom = Math.min(clip.bottom, top + a.clientHeight);
      }
    }
    return clip;
  }

  // Seen by a person: rendered, not transparent, not cut away (Bootstrap's visually-hidden).
  function shown(element) {
    if (!element.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})) return false;
    const style = getComputedStyle(element);
    if (/rect\(0px,? 0px,? 0px,? 0px\)/.test(style.clip)) return false;
    if (style.clipPath.startsWith("inset(50%")) return false;
    return true;
  }

  // --- overflow ---------------------------------------------------------------------------
  // Every element with a box counts, a visually hidden one too: it widens the page as well.
  const viewport = document.documentElement.clientWidth;
  const pageWidth = document.documentElement.scrollWidth;
  if (pageWidth > viewport + 1) {
    const past = (element) => {
      if (!element.getClientRects().length) return false;
      const b = intersect(box(element.getBoundingClientRect()), clipOf(element));
      return b.right > viewport + 1 && b.right > b.left;
    };
    const culprits = [];
    for (const element of document.body.querySelectorAll("*")) {
      if (culprits.length >= 5) break;
      if (!element.checkVisibility() || !past(element)) continue;
      const parent = element.parentElement;
      if (parent && parent !== document.body && past(parent)) continue;
      culprits.push(element);
    }
    if (!culprits.length) culprits.push(document.documentElement);
    for (const element of culprits) {
      const right = Math.round(element.getBoundingClientRect().right);
      found("overflow", element,
        `page is ${pageWidth}px wide in a ${viewport}px viewport; ` +
        `<${element.localName}> reaches ${right}px`);
    }
  }

  // --- word-break -------------------------------------------------------------------------
  const lang = document.documentElement.lang || "en";
  const segmenter = new Intl.Segmenter(lang, {granularity: "word"});
  const brokenWord = (node) => {
    for (const segment of segmenter.segment(node.data)) {
      if (!segment.isWordLike || [...segment.segment].length < 2) continue;
      const range = document.createRange();
      range.setStart(node, segment.index);
      range.setEnd(node, segment.index + segment.segment.length);
      const rects = [...range.getClientRects()].filter((r) => r.width > 0.5 && r.height > 0.5);
      if (rects.length < 2) continue;
      const lineHeight = Math.min(...rects.map((r) => r.height));
      const tops = rects.map((r) => r.top);
      if (Math.max(...tops) - Math.min(...tops) > lineHeight / 2) return segment.segment;
    }
    return null;
  };
  for (const element of document.querySelectorAll(S.words)) {
    if (!shown(element)) continue;
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    let broken = null;
    for (let node = walker.nextNode(); node && !broken; node = walker.nextNode()) {
      if (node.parentElement.closest(S.words) === element) broken = brokenWord(node);
    }
    if (broken) {
      const width = Math.round(element.getBoundingClientRect().width);
      found("word-break", element,
        `"${broken}" is broken across lines in <${element.localName}> ` +
        `"${oneLine(element.textContent, 80)}" (${width}px wide)`);
    }
  }

  // --- overlap ----------------------------------------------------------------------------
  const controls = [];
  for (const element of document.querySelectorAll(S.controls)) {
    if (!shown(element)) continue;
    const clip = clipOf(element);
    const fragments = [...element.getClientRects()]
      .map((r) => intersect(box(r), clip))
      .filter(sized);
    if (!fragments.length) continue;
    const bounds = fragments.reduce((a, b) => ({
      left: Math.min(a.left, b.left), top: Math.min(a.top, b.top),
      right: Math.max(a.right, b.right), bottom: Math.max(a.bottom, b.bottom),
    }));
    controls.push({element, fragments, bounds});
  }
  controls.sort((a, b) => a.bounds.top - b.bounds.top);
  const describe = (element) => {
    const name = element.getAttribute("aria-label") || element.textContent ||
      element.getAttribute("name");
    return `<${element.localName}> "${oneLine(name, 40)}"`;
  };
  const overlapOf = (a, b) => {
    for (const fa of a.fragments) {
      for (const fb of b.fragments) {
        const x = intersect(fa, fb);
        if (x.right - x.left > TOLERANCE && x.bottom - x.top > TOLERANCE) return x;
      }
    }
    return null;
  };
  for (let i = 0; i < controls.length; i++) {
    const a = controls[i];
    for (let j = i + 1; j < controls.length; j++) {
      const b = controls[j];
      if (b.bounds.top >= a.bounds.bottom - TOLERANCE) break;
      if (a.element.contains(b.element) || b.element.contains(a.element)) continue;
      const hit = overlapOf(a, b);
      if (hit) {
        const size = `${Math.round(hit.right - hit.left)}x${Math.round(hit.bottom - hit.top)}px`;
        found("overlap", a.element,
          `${describe(a.element)} overlaps ${describe(b.element)} ` +
          `(${cssPath(b.element)}) by ${size}`);
      }
    }
    const container = a.element.parentElement && a.element.parentElement.closest(S.containers);
    if (container && shown(container)) {
      const c = intersect(box(container.getBoundingClientRect()), clipOf(container));
      const out = Math.max(
        a.bounds.right - c.right, c.left - a.bounds.left,
        a.bounds.bottom - c.bottom, c.top - a.bounds.top,
      );
      if (out > TOLERANCE) {
        found("overlap", a.element,
          `${describe(a.element)} sticks out of its container <${container.localName}> ` +
          `(${cssPath(container)}) by ${Math.round(out)}px`);
      }
    }
  }

  // --- chrome texts (for the untranslated check, in Python) -------------------------------
  const chrome = [];
  const latin = /[A-Za-z]{2}/;
  const keep = (element, source, text) => {
    text = oneLine(text, 1000);
    if (latin.test(text)) chrome.push({selector: cssPath(element), source, text});
  };
  if (options.chrome) {
    for (const element of document.querySelectorAll(S.chrome)) {
      if (element.closest(S.not_chrome)) continue;
      const parts = [];
      const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const parent = node.parentElement;
        if (parent.closest(S.chrome) === element && !parent.closest(S.not_chrome)) {
          parts.push(node.data);
        }
      }
      keep(element, element.localName, parts.join(" "));
    }
    const inputs = "input[type=submit][value], input[type=button][value], input[type=reset][value]";
    for (const element of document.querySelectorAll(inputs)) keep(element, "value", element.value);
    for (const attribute of ["placeholder", "title", "aria-label"]) {
      for (const element of document.querySelectorAll(`[${attribute}]`)) {
        if (!element.closest("[translate=no]")) {
          keep(element, attribute, element.getAttribute(attribute));
        }
      }
    }
    const title = oneLine(document.title, 200);
    if (latin.test(title)) chrome.push({selector: "title", source: "document title", text: title});
  }
  return {findings, chrome, lang: document.documentElement.lang};
}"""
)

# axe-core names nodes with selectors of its own unless told not to, which costs up to a third of
# its run; the nodes of violations are named with cssPath instead. axe itself is in the page
# already when the context was made by `prepare_context()`, else it is evaluated first.
AXE_RUN = (
    "async () => {"
    + HELPERS
    + """
  // Rules whose checks are all of minor or moderate impact cannot give a serious or critical
  // violation (landmarks, region, heading order...): not run. axe._audit is axe's own table of
  // rules and checks (the vendored 4.11); without it every rule runs.
  const rank = {minor: 1, moderate: 2, serious: 3, critical: 4};
  const rules = {};
  if (axe._audit && axe._audit.data && axe._audit.data.checks) {
    for (const rule of axe._audit.rules) {
      const checks = [...rule.any, ...rule.all, ...rule.none].map((c) => c.id || c);
      const impacts = checks.map((id) => rank[(axe._audit.data.checks[id] || {}).impact] || 4);
      if (impacts.length && Math.max(...impacts) < rank.serious) rules[rule.id] = {enabled: false};
    }
  }
  const result = await axe.run(document, {
    resultTypes: ["violations"], selectors: false, elementRef: true, rules,
  });
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      count: v.nodes.length,
      targets: v.nodes.slice(0, 3).map((n) => (n.element ? cssPath(n.element) : "html")),
    }));
}"""
)


@dataclass(frozen=True)
class Finding:
    check: str
    width: int | None  # None: the check is made once per load, not per width
    selector: str
    detail: str


def settle(page: Page) -> None:
    page.evaluate(SETTLE)


def prepare_context(context: BrowserContext) -> None:
    """axe-core in every document of the context from its start: the walk's contexts load a
    page after another, and so pass axe's 560 kB to the browser once instead of once a load."""
    context.add_init_script(AXE_SOURCE)


def axe_findings(page: Page, width: int) -> list[Finding]:
    """Serious and critical axe-core violations. The CSP forbids inline scripts, so axe is
    evaluated through the devtools protocol, not added as a tag."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE)
    return [
        Finding(
            check="axe",
            width=width,
            selector=violation["targets"][0] if violation["targets"] else "html",
            detail=(
                f"{violation['id']} ({violation['impact']}): {violation['help']}; "
                f"{violation['count']} node(s): {', '.join(violation['targets'])}"
            ),
        )
        for violation in page.evaluate(AXE_RUN)
    ]


# --- The untranslated rule (see the module's docstring) ----------------------------------------

ALLOWED_WORDS = frozenset({"Rapport", "English", "Markdown", "Excel"})
_NOT_WORDS = [
    re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"),  # e-mail addresses
    re.compile(r"https?://\S+|(?<!\w)/\S+"),  # URLs and paths
    re.compile(r"\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?"),  # ISO dates and times
    re.compile(r"\b[A-Z][a-z]+/[A-Za-z_]+(/[A-Za-z_]+)?\b"),  # time zones: Europe/Paris
    re.compile(r"\b[\w-]+\.[A-Za-z0-9]{2,5}\b"),  # file names: plan.pdf
    re.compile(r"\d+([.,:]\d+)*"),  # numbers
]
_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*")


def _data_pattern(values: Iterable[str]) -> re.Pattern[str] | None:
    words = sorted({value.strip() for value in values if len(value.strip()) >= 2}, key=len)
    if not words:
        return None
    alternatives = "|".join(re.escape(word) for word in reversed(words))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


class UntranslatedRule:
    """English words left in a chrome text once the data values and names are taken out."""

    def __init__(self, data_values: Iterable[str]) -> None:
        self.data = _data_pattern(data_values)

    def english_words(self, text: str) -> list[str]:
        rest = self.data.sub(" ", text) if self.data else text
        for pattern in _NOT_WORDS:
            rest = pattern.sub(" ", rest)
        return [
            word
            for word in _WORD.findall(rest)
            if len(word) >= 2
            and word not in ALLOWED_WORDS
            and not (word.isupper() and len(word) <= 6)
        ]

    def findings(self, chrome: list[dict[str, str]], lang: str) -> list[Finding]:
        if not lang.lower().startswith("zh"):
            return [Finding("untranslated", None, "html", f'the page is in "{lang}", not Chinese')]
        found = []
        for item in chrome:
            words = self.english_words(item["text"])
            if words:
                detail = (
                    f'{item["source"]}: "{item["text"][:120]}" (English: {" ".join(words[:6])})'
                )
                found.append(Finding("untranslated", None, item["selector"], detail))
        return found


OWN_APPS = {
    "accounts",
    "projects",
    "stakeholders",
    "risks",
    "feedback",
    "reports",
    "notifications",
    "portal",
    "closeout",
    "lessons",
    "scorecards",
    "discussions",
    "operations",
}


def world_data_values() -> set[str]:
    """Every text value up to 200 characters of the project's own models in the database (fields
    with choices hold codes, not data, and are left out): what the world shows as data, in
    whatever language the page is."""
    from django.apps import apps
    from django.db import models

    values: set[str] = set()
    for model in apps.get_models():
        if model._meta.app_label not in OWN_APPS or model.__name__.startswith("Historical"):
            continue
        fields = [
            field.name
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField) and not field.choices
        ]
        if not fields:
            continue
        for row in model._default_manager.values_list(*fields):
            values.update(value for value in row if value and len(value) <= 200)
    return values


class Stopwatch:
    """Adds the seconds spent in each named step to a Counter (or to nothing)."""

    def __init__(self, seconds: Counter[str] | None) -> None:
        self.seconds = seconds

    @contextmanager
    def __call__(self, step: str) -> Iterator[None]:
        started = time.monotonic()
        try:
            yield
        finally:
            if self.seconds is not None:
                self.seconds[step] += time.monotonic() - started


# --- One loaded page --------------------------------------------------------------------------


def inspect_loaded_page(
    page: Page,
    *,
    errors: list[str],
    rule: UntranslatedRule | None,
    widths: tuple[int, ...] = WIDTHS,
    seconds: Counter[str] | None = None,
) -> list[Finding]:
    """Every check on the page as it is now, loaded at widths[0]: the layout checks at each width
    (the viewport resized in place), axe and the chrome texts at the first width, the console
    over the whole visit. `errors` is the list the page's console listener fills; `rule` is given
    for a Chinese page only; `seconds` adds up the time each step takes."""
    found: list[Finding] = []
    clock = Stopwatch(seconds)
    settle(page)
    for index, width in enumerate(widths):
        if index:
            with clock("resize"):
                page.set_viewport_size({"width": width, "height": HEIGHT})
                settle(page)
        options = {"selectors": SELECTORS, "chrome": index == 0 and rule is not None}
        with clock("layout checks"):
            result = page.evaluate(LAYOUT_CHECKS, options)
            if any(item["check"] == "overflow" for item in result["findings"]):
                # A chart may still be catching up with the new width (Chart.js resizes on a
                # later frame, later still on a busy machine): the overflow must last.
                page.wait_for_timeout(OVERFLOW_GRACE_MS)
                settle(page)
                result = page.evaluate(LAYOUT_CHECKS, options)
        found.extend(
            Finding(item["check"], width, item["selector"], item["detail"])
            for item in result["findings"]
        )
        if index == 0:
            if rule is not None:
                with clock("untranslated"):
                    found.extend(rule.findings(result["chrome"], result["lang"]))
            with clock("axe"):
                found.extend(axe_findings(page, width))
    violations = page.evaluate("window.__cspViolations || []")
    found.extend(
        Finding("console", None, "", message)
        for message in [*errors, *(f"CSP violation: {v}" for v in violations)]
    )
    return found


def summarize(findings: Iterable[Any]) -> dict[str, int]:
    """The number of findings of each check (CHECKS' order, zeros included)."""
    counts: dict[str, int] = dict.fromkeys(CHECKS, 0)
    for finding in findings:
        counts[finding.check] = counts.get(finding.check, 0) + 1
    return counts
