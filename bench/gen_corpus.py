#!/usr/bin/env python3
"""Generate a deterministic benchmark corpus for undersigned (and, optionally, Hugo).

Usage (from the repository root):

    python3 bench/gen_corpus.py --statements 1000 --seed 1 --out bench/out/site \
        [--hugo bench/out/hugo]

Writes a complete undersigned site into --out (site.yaml, signatories.yaml with 2,000
fictional signatories, and N bilingual statements), and with --hugo the same statements as
a multilingual Hugo site with a minimal theme. Both folders are removed first.

Only the standard library is used, and all randomness comes from one
`random.Random(seed)`: the same arguments give byte-identical files.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import shutil
import sys
import time
from pathlib import Path

REGISTRY_SIZE = 2000
WORDS_PER_STATEMENT = (800, 1200)  # ~1,000 words, ±20%
PARAGRAPH_WORDS = (60, 150)
SENTENCE_WORDS = (8, 24)
NOTES = (3, 12)
SIGNERS_MIN, SIGNERS_SPREAD = 3, 297  # 3 + int(297 * r**3): 3..300, mostly small
FIRST_DAY = dt.date(2015, 1, 1)
LAST_DAY = dt.date(2025, 12, 31)

SITE_YAML = """\
base_url: https://bench.example.org
languages: [en, es]
title: { en: Benchmark Coalition, es: Coalición de Referencia }
description: { en: Generated statements., es: Declaraciones generadas. }
timezone: America/Mexico_City
missing_translation: notice
"""

COUNTRIES = (
    "MX US GT HN SV ES CO AR BR CL PE EC BO NI CR PA CU DO VE UY PY CA FR DE NO".split()
)
# Mexico and the United States sign most often.
COUNTRY_WEIGHTS = [8, 6, 3, 3, 3, 2] + [1] * (len(COUNTRIES) - 6)

TAGS = (
    "migration asylum detention border shelters funding children deportation "
    "human-rights mexico central-america policing women defenders".split()
)

# --------------------------------------------------------------------------------------
# Vocabularies

EN_WORDS = """
the the the the of of of and and and to to in in for on with by at from as that which
their its our we they these those all every each more most other such this is are was
were has have been be will would must should can may not no only also still even without
within between against under after before during across through toward people migrants
families children women men persons communities organizations shelters authorities
government governments state states agencies officials courts judges lawyers defenders
journalists workers asylum seekers refugees border borders region country countries city
cities territory route routes policy policies law laws rights right protection access
justice due process detention deportation return returns expulsion enforcement security
violence abuse abuses harm risk risks threat threats crime crimes kidnapping extortion
disappearance disappearances death deaths health care food water shelter housing
education work employment funding budget resources support assistance aid program
programs services measures decision decisions report reports data evidence record records
survey testimony testimonies complaint complaints investigation investigations
accountability transparency dialogue consultation obligation obligations commitment
commitments standard standards principle principles treaty convention framework guarantee
guarantees dignity safety liberty freedom equality discrimination racism xenophobia gender
age origin status language culture history memory future year years month months week
weeks day days time moment hundreds thousands dozens many few several some new recent
current ongoing serious grave urgent public federal national local regional international
humanitarian legal political social economic military civilian independent vulnerable
unaccompanied displaced detained returned deported forced arbitrary systematic widespread
clear effective adequate immediate permanent temporary full free fair safe basic human
civil undersigned call calls urge demand denounce condemn reject express concern request
recommend remind ensure protect respect restore suspend review repeal investigate publish
document monitor consult provide receive allow prevent reduce increase end stop continue
remain affect expose separate deny restrict limit punish criminalize militarize announce
implement adopt approve apply violate comply fail recognize acknowledge welcome defend
accompany assist attend register respond act immediately urgently fully publicly clearly
directly effectively independently again already now today therefore however moreover
furthermore instead particularly especially including regarding despite because while
although since until where when whose whom coalition network networks members partners
observers witnesses victims survivors relatives mothers daughters sons cases case hearing
hearings appeal appeals ruling rulings order orders agreement agreements operation
operations checkpoint checkpoints camp camps facility facilities station stations
""".split()

ES_WORDS = """
el el la la la los las de de de del y y y en en para por con sin sobre entre contra desde
hasta ante bajo tras durante según que que cual cuyo su sus nuestro nuestra este esta estos
estas todo toda todas cada más menos otro otra tal es son fue han ha sido será debe deben
puede pueden no solo también aún incluso personas migrantes familias niñas niños
adolescentes mujeres hombres comunidades organizaciones albergues autoridades gobierno
gobiernos Estado estados instituciones funcionarios tribunales jueces abogadas abogados
defensoras defensores periodistas trabajadores asilo solicitantes refugiados frontera
fronteras región país países ciudad ciudades territorio ruta rutas política políticas ley
leyes derechos derecho protección acceso justicia debido proceso detención deportación
retorno devolución expulsión seguridad violencia abuso abusos daño daños riesgo riesgos
amenaza amenazas delito delitos secuestro extorsión desaparición desapariciones muerte
muertes salud atención alimentación agua vivienda educación trabajo empleo financiamiento
presupuesto recursos apoyo asistencia ayuda programa programas servicios medidas decisión
decisiones informe informes datos pruebas registro registros encuesta testimonio
testimonios queja quejas denuncia denuncias investigación investigaciones rendición
cuentas transparencia diálogo consulta obligación obligaciones compromiso compromisos
norma normas principio principios tratado convención marco garantía garantías dignidad
libertad igualdad discriminación racismo xenofobia género edad origen situación idioma
cultura historia memoria futuro año años mes meses semana semanas día días tiempo momento
cientos miles decenas muchas muchos pocas varias algunas nueva nuevas reciente recientes
actual grave graves urgente pública públicas público federal nacional local regional
internacional humanitaria jurídica social económica militar civil independiente
vulnerable acompañadas desplazadas detenidas devueltas deportadas forzada arbitraria
sistemática generalizada clara efectiva adecuada inmediata permanente temporal plena libre
justa segura básica humana firmantes abajo exhortamos instamos exigimos denunciamos
condenamos rechazamos expresamos preocupación solicitamos recomendamos recordamos
garantizar proteger respetar restablecer suspender revisar derogar investigar publicar
documentar vigilar consultar brindar recibir permitir prevenir reducir aumentar terminar
detener continuar permanecer afectar exponer separar negar restringir limitar sancionar
criminalizar militarizar anunciar aplicar adoptar aprobar violar cumplir reconocer
acompañar asistir atender registrar responder actuar inmediatamente urgentemente
plenamente públicamente claramente directamente efectivamente nuevamente ya ahora hoy
ello embargo además asimismo particularmente especialmente incluida respecto pesar porque
mientras aunque cuando donde niñez acompañamiento enseñanza pequeñas compañeras señaló
montaña mañana coalición red redes integrantes observadoras testigos víctimas
sobrevivientes familiares madres hijas hijos casos caso audiencia audiencias apelación
resolución resoluciones orden órdenes acuerdo acuerdos operativo operativos puesto
estación estaciones campamento instalaciones sesión exigencia
""".split()

# Words for headings and note titles.
LONG_WORDS = {
    "en": [w for w in EN_WORDS if len(w) > 3],
    "es": [w for w in ES_WORDS if len(w) > 3],
}

MONTHS = {
    "en": "January February March April May June July August September October November "
    "December".split(),
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre "
    "diciembre".split(),
}

# Fictional proper names are built from these syllables (some accented, some with ñ).
SYLLABLES = (
    "ba ca da la ma na ña ri to lú mé sá rí có ñu gua tzi xo que bo ré lo ví za ya pa "
    "te mi ná cua hue ta ño jí go sé ru ne cá vo tlá"
).split()
GIVEN = (
    "Ángel María José Begoña Iñaki Sofía Raúl Inés Joaquín Ramón Lucía Andrés Verónica "
    "Jesús Mónica Tomás Ximena Nicolás Zoë Ana Luis Carmen Daniel Grace Olivia Noah Emma "
    "Liam Amaia Íñigo Fátima Héctor Lourdes Martín Rocío".split()
)
SURNAMES = (
    "Núñez Peña Muñoz Ibáñez Ordóñez Castañeda Londoño Patiño Gómez Pérez Hernández López "
    "Martínez Díaz Suárez Jiménez Álvarez Rodríguez Sánchez Ramírez Cruz Vázquez Ortega "
    "Treviño Montaño Acuña Cervantes Quiñones Smith Larsen Dubois Müller Carter".split()
)
ORG_PLAIN = [  # one name in every language; {p} is a made-up proper name
    "Colectivo {p}",
    "Red {p} de Derechos Humanos",
    "Centro de Derechos Humanos {p}",
    "Fundación {p} A.C.",
    "Asociación Civil {p}",
    "Casa del Migrante {p}",
    "Pastoral de Movilidad Humana {p}",
    "{p} Rights Project",
    "{p} Legal Aid Center",
    "{p} Immigrant Justice Alliance",
    "Comité de Familiares {p}",
    "Observatorio Ciudadano {p}",
]
ORG_BILINGUAL = [
    ("{p} Human Rights Center", "Centro de Derechos Humanos {p}"),
    ("{p} Migrant Shelter", "Albergue para Migrantes {p}"),
    ("{p} Legal Clinic", "Clínica Jurídica {p}"),
    ("{p} Women's Collective", "Colectiva de Mujeres {p}"),
    ("{p} Border Network", "Red Fronteriza {p}"),
    ("{p} Foundation", "Fundación {p}"),
    ("{p} Observatory on Migration", "Observatorio de Migración {p}"),
    ("{p} Families' Committee", "Comité de Familias {p}"),
]
AFFILIATIONS = [
    "Universidad {p}",
    "Instituto de Investigaciones {p}",
    "Clínica Jurídica {p}",
    "{p} Law School",
]

# Statement titles: (English, Spanish) pairs so both languages say the same thing.
TITLE_SUBJECTS = [
    ("Organizations", "Organizaciones"),
    ("Civil Society Groups", "Grupos de la sociedad civil"),
    ("Shelters and Networks", "Albergues y redes"),
    ("Human Rights Defenders", "Personas defensoras de derechos humanos"),
    ("The Coalition", "La coalición"),
    ("Legal Clinics", "Clínicas jurídicas"),
]
TITLE_VERBS = [
    ("Denounce", "denuncian"),
    ("Reject", "rechazan"),
    ("Call for an End to", "exigen el fin de"),
    ("Demand Accountability for", "piden cuentas por"),
    ("Condemn", "condenan"),
    ("Question", "cuestionan"),
    ("Warn Against", "advierten sobre"),
    ("Welcome Review of", "celebran la revisión de"),
]
TITLE_OBJECTS = [
    ("Arbitrary Detention of Migrants", "la detención arbitraria de personas migrantes"),
    ("Mass Deportations", "las deportaciones masivas"),
    ("Expedited Expulsions", "las expulsiones exprés"),
    ("Militarized Checkpoints", "los puntos de control militarizados"),
    ("Cuts to Shelter Funding", "los recortes al financiamiento de albergues"),
    ("Family Separations", "la separación de familias"),
    ("Attacks on Human Rights Defenders", "los ataques contra personas defensoras"),
    ("Border Closures", "el cierre de fronteras"),
    ("Raids on Migrant Shelters", "los operativos en albergues"),
    ("Prolonged Detention of Children", "la detención prolongada de niñas y niños"),
    ("Barriers to Asylum", "los obstáculos al asilo"),
    ("Disappearances on Migrant Routes", "las desapariciones en rutas migratorias"),
]
TITLE_PLACES = [
    ("Chiapas", "Chiapas"),
    ("Tijuana", "Tijuana"),
    ("Ciudad Juárez", "Ciudad Juárez"),
    ("the Darién Gap", "el Tapón del Darién"),
    ("Tapachula", "Tapachula"),
    ("Nuevo León", "Nuevo León"),
    ("Texas", "Texas"),
    ("the Southern Border", "la frontera sur"),
    ("Guatemala", "Guatemala"),
    ("Tenosique", "Tenosique"),
    ("Reynosa", "Reynosa"),
    ("Oaxaca", "Oaxaca"),
]
TITLE_PREFIXES = [("Mexico", "México"), ("United States", "Estados Unidos"), ("Region", "Región")]

NOTE_SOURCES = [
    "Example Migration Data Project",
    "Red de Albergues de Ejemplo",
    "Observatorio de Ejemplo",
    "Example Human Rights Watchers",
    "Comisión Nacional de Ejemplo",
    "Example Ministry of the Interior",
    "Agencia de Noticias de Ejemplo",
    "Example Refugee Council",
]

# --------------------------------------------------------------------------------------
# YAML and text helpers

_YAML_RESERVED = {
    "true", "false", "null", "yes", "no", "on", "off", "y", "n", "~",
}  # fmt: skip
_PLAIN_OK = re.compile(r"^[^\W\d_][^\x00-\x1f\"\\#]*$")


def yaml_quote(text: str) -> str:
    """A double-quoted YAML scalar."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def yaml_str(text: str, flow: bool = False) -> str:
    """`text` as a plain YAML scalar when that is unambiguous, else double-quoted.

    `flow` is for values inside `{ … }` or `[ … ]`, where `,[]{}` end a plain scalar.
    """
    plain = (
        _PLAIN_OK.match(text) is not None
        and text == text.strip()
        and ": " not in text
        and not text.endswith(":")
        and text.lower() not in _YAML_RESERVED
        and not (flow and any(c in text for c in ",[]{}"))
    )
    return text if plain else yaml_quote(text)


def proper_name(rng: random.Random, low: int = 2, high: int = 3) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(low, high))).capitalize()


def day_text(day: dt.date, lang: str) -> str:
    month = MONTHS[lang][day.month - 1]
    return f"{day.day} {month} {day.year}" if lang == "en" else f"{day.day} de {month} de {day.year}"


def write(path: Path, text: str) -> int:
    data = text.encode("utf-8")
    with open(path, "wb") as f:
        f.write(data)
    return len(data)


# --------------------------------------------------------------------------------------
# The registry


class Signatory:
    __slots__ = ("id", "name", "kind", "country", "url", "affiliation")

    def __init__(self, id, name, kind, country, url, affiliation):
        self.id = id
        self.name = name  # str, or {"en": …, "es": …}
        self.kind = kind
        self.country = country
        self.url = url
        self.affiliation = affiliation

    def name_in(self, lang: str) -> str:
        return self.name if isinstance(self.name, str) else self.name[lang]


def make_registry(rng: random.Random) -> list[Signatory]:
    entries = []
    for n in range(1, REGISTRY_SIZE + 1):
        kind = "organization" if rng.random() < 0.9 else "individual"
        country = rng.choices(COUNTRIES, COUNTRY_WEIGHTS)[0]
        affiliation = None
        if kind == "organization":
            sid = f"org-{n:04d}"
            p = proper_name(rng)
            if rng.random() < 0.2:
                en, es = rng.choice(ORG_BILINGUAL)
                name = {"en": en.format(p=p), "es": es.format(p=p)}
            else:
                name = rng.choice(ORG_PLAIN).format(p=p)
        else:
            sid = f"ind-{n:04d}"
            surnames = rng.sample(SURNAMES, rng.choice((1, 2)))
            name = " ".join([rng.choice(GIVEN), *surnames])
            if rng.random() < 0.2:  # a name only a bilingual site writes twice
                name = {"en": f"Dr. {name}", "es": f"Dra. {name}"}
            if rng.random() < 0.6:
                affiliation = rng.choice(AFFILIATIONS).format(p=proper_name(rng))
        url = f"https://{sid}.example.org" if rng.random() < 0.7 else None
        entries.append(Signatory(sid, name, kind, country, url, affiliation))
    return entries


def registry_yaml(entries: list[Signatory], seed: int) -> str:
    out = [
        f"# {REGISTRY_SIZE} fictional signatories generated by bench/gen_corpus.py (seed {seed}).\n"
    ]
    for s in entries:
        out.append(f"- id: {s.id}\n")
        if isinstance(s.name, str):
            out.append(f"  name: {yaml_str(s.name)}\n")
        else:
            en, es = yaml_str(s.name["en"], flow=True), yaml_str(s.name["es"], flow=True)
            out.append(f"  name: {{ en: {en}, es: {es} }}\n")
        out.append(f"  kind: {s.kind}\n")
        out.append(f"  country: {s.country}\n")
        if s.url:
            out.append(f"  url: {s.url}\n")
        if s.affiliation:
            out.append(f"  affiliation: {yaml_str(s.affiliation)}\n")
    return "".join(out)


# --------------------------------------------------------------------------------------
# Statements


class Statement:
    __slots__ = ("folder", "number", "date", "signers", "tags", "texts")

    def __init__(self, folder, number, date, signers, tags, texts):
        self.folder = folder
        self.number = number
        self.date = date
        self.signers = signers  # list[Signatory]
        self.tags = tags
        self.texts = texts  # lang -> (title, summary, body)


def make_titles(rng: random.Random) -> tuple[str, str]:
    subj, verb, obj, place = (
        rng.choice(TITLE_SUBJECTS),
        rng.choice(TITLE_VERBS),
        rng.choice(TITLE_OBJECTS),
        rng.choice(TITLE_PLACES),
    )
    en = f"{subj[0]} {verb[0]} {obj[0]} in {place[0]}"
    es_obj = obj[1]
    es_verb = verb[1]
    if es_verb.endswith(" de") and es_obj.startswith("el "):
        es_verb, es_obj = es_verb[:-3], "del " + es_obj[3:]
    es = f"{subj[1]} {es_verb} {es_obj} en {place[1]}"
    roll = rng.random()
    if roll < 0.15:  # a colon: must be quoted in YAML
        prefix = rng.choice(TITLE_PREFIXES)
        en, es = f"{prefix[0]}: {en}", f"{prefix[1]}: {es}"
    elif roll < 0.22:  # double quotes: must be escaped in YAML
        op = proper_name(rng)
        en, es = f'{en} After "Operation {op}"', f'{es} tras el "Operativo {op}"'
    return en, es


def sentence_words(rng: random.Random, vocab: list[str], n: int) -> list[str]:
    words = rng.choices(vocab, k=n)
    words[0] = words[0][:1].upper() + words[0][1:]
    if n >= 10 and rng.random() < 0.4:
        i = rng.randint(3, n - 4)
        words[i] += ","
    return words


def make_summary(rng: random.Random, vocab: list[str], lang: str) -> str:
    lead = "The undersigned organizations" if lang == "en" else "Las organizaciones abajo firmantes"
    words = rng.choices(vocab, k=rng.randint(18, 36))
    return f"{lead} {' '.join(words)}."


def make_body(rng: random.Random, vocab: list[str], lang: str, when: dt.date) -> str:
    # Paragraph sizes: 60–150 words each, adding up to the target.
    remaining = rng.randint(*WORDS_PER_STATEMENT)
    sizes = []
    while remaining > 0:
        size = remaining if remaining <= PARAGRAPH_WORDS[1] else rng.randint(
            PARAGRAPH_WORDS[0], min(PARAGRAPH_WORDS[1], remaining - PARAGRAPH_WORDS[0])
        )
        sizes.append(size)
        remaining -= size

    # Each paragraph is a list of sentences; each sentence a list of words.
    paragraphs: list[list[list[str]]] = []
    for size in sizes:
        sentences = []
        left = size
        while left > 0:
            n = rng.randint(*SENTENCE_WORDS)
            if left - n < SENTENCE_WORDS[0]:
                n = left
            sentences.append(sentence_words(rng, vocab, n))
            left -= n
        # Occasional *emphasis* or **strong** on one or two inner words.
        for marker, chance in (("*", 0.3), ("**", 0.15)):
            if rng.random() < chance:
                s = rng.choice(sentences)
                if len(s) >= 6:
                    i = rng.randint(1, len(s) - 3)
                    j = i + rng.randint(0, 1)
                    if "*" in s[i] or "*" in s[j]:
                        continue
                    a, b = s[i].rstrip(","), s[j].rstrip(",")
                    if i == j:
                        s[i] = f"{marker}{a}{marker}" + s[i][len(a):]
                    else:
                        s[i] = f"{marker}{s[i]}"
                        s[j] = f"{b}{marker}" + s[j][len(b):]
        paragraphs.append(sentences)

    # Footnotes: K notes, each cited at least once, some cited again later; every
    # citation ends a sentence. Labels are numbered in the order of first citation.
    k = rng.randint(*NOTES)
    slots = [(p, s) for p, sents in enumerate(paragraphs) for s in range(len(sents))]
    repeats = min(rng.randint(1, max(1, k // 3)), len(slots) - k)
    chosen = sorted(rng.sample(slots, k + repeats))
    repeat_at = set(rng.sample(range(1, len(chosen)), repeats))
    citations: dict[tuple[int, int], str] = {}
    issued = 0
    for idx, slot in enumerate(chosen):
        if idx in repeat_at:
            citations[slot] = f"n{rng.randint(1, issued)}"
        else:
            issued += 1
            citations[slot] = f"n{issued}"
    assert issued == k

    # Subheadings before 2–4 paragraphs (never the first).
    heading_at = set(rng.sample(range(1, len(paragraphs)), min(len(paragraphs) - 1, rng.randint(2, 4))))

    out = []
    for p, sentences in enumerate(paragraphs):
        if p in heading_at:
            words = rng.choices(LONG_WORDS[lang], k=rng.randint(2, 5))
            if lang == "en":
                heading = " ".join(w[:1].upper() + w[1:] for w in words)
            else:
                heading = " ".join(words)
                heading = heading[:1].upper() + heading[1:]
            out.append(f"## {heading}\n\n")
        texts = []
        for s, words in enumerate(sentences):
            text = " ".join(words).rstrip(",") + "."
            label = citations.get((p, s))
            if label:
                text += f"[^{label}]"
            texts.append(text)
        out.append(" ".join(texts) + "\n\n")

    for n in range(1, k + 1):
        out.append(footnote(rng, lang, n, when))
    return "".join(out).rstrip("\n") + "\n"


def footnote(rng: random.Random, lang: str, n: int, when: dt.date) -> str:
    source = rng.choice(NOTE_SOURCES)
    words = rng.choices(LONG_WORDS[lang], k=rng.randint(3, 7))
    title = " ".join(words)
    title = title[:1].upper() + title[1:]
    published = when - dt.timedelta(days=rng.randint(1, 1000))
    doc = rng.randint(1, 999)
    if rng.random() < 0.25:
        address = f"www.example.org/{'docs' if lang == 'en' else 'documentos'}/{doc}/"
    else:
        address = f"https://source-{rng.randint(1, 40)}.example.org/report-{doc}"
    sep = "\n    " if rng.random() < 0.2 else " "
    return f"[^n{n}]: {source}, “{title}”, {day_text(published, lang)}.{sep}{address}\n\n"


def make_statement(rng: random.Random, number: int, registry: list[Signatory]) -> Statement:
    date = FIRST_DAY + dt.timedelta(days=rng.randint(0, (LAST_DAY - FIRST_DAY).days))
    count = SIGNERS_MIN + int(SIGNERS_SPREAD * rng.random() ** 3)
    signers = rng.sample(registry, count)
    tags = sorted(rng.sample(TAGS, rng.randint(1, 3)))
    title_en, title_es = make_titles(rng)
    texts = {}
    for lang, title, vocab in (("en", title_en, EN_WORDS), ("es", title_es, ES_WORDS)):
        summary = make_summary(rng, vocab, lang)
        body = make_body(rng, vocab, lang, date)
        texts[lang] = (title, summary, body)
    return Statement(f"s-{number:05d}", number, date, signers, tags, texts)


def statement_yaml(st: Statement) -> str:
    lines = [f"date: {st.date.isoformat()}\n", "signatories:\n"]
    lines += [f"  - {s.id}\n" for s in st.signers]
    lines.append(f"tags: [{', '.join(st.tags)}]\n")
    return "".join(lines)


def language_file(st: Statement, lang: str) -> str:
    title, summary, body = st.texts[lang]
    front = [f"title: {yaml_quote(title)}\n"]
    if lang == "es":
        front.append(f"slug: d-{st.number:05d}\n")
    front.append(f"summary: {yaml_quote(summary)}\n")
    return "---\n" + "".join(front) + "---\n" + body


# --------------------------------------------------------------------------------------
# The Hugo twin

HUGO_TOML = """\
baseURL = "https://bench.example.org/"
title = "Benchmark Coalition"
defaultContentLanguage = "en"
defaultContentLanguageInSubdir = true
disableKinds = ["taxonomy", "term"]
timeZone = "America/Mexico_City"

[languages.en]
weight = 1
languageName = "English"
contentDir = "content/en"
title = "Benchmark Coalition"

[languages.es]
weight = 2
languageName = "Español"
contentDir = "content/es"
title = "Coalición de Referencia"

[markup.goldmark.extensions]
footnote = true
linkify = true
typographer = true

[outputs]
home = ["HTML", "RSS"]
"""

HUGO_LAYOUTS = {
    "_default/baseof.html": """\
<!DOCTYPE html>
<html lang="{{ .Site.Language.Lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if not .IsHome }}{{ .Title }} · {{ end }}{{ .Site.Title }}</title>
<link rel="canonical" href="{{ .Permalink }}">
{{ range .AllTranslations }}<link rel="alternate" hreflang="{{ .Language.Lang }}" href="{{ .Permalink }}">
{{ end }}</head>
<body>
<header>
<a href="{{ .Site.Home.RelPermalink }}">{{ .Site.Title }}</a>
{{ range .Translations }}<a href="{{ .RelPermalink }}" lang="{{ .Language.Lang }}" hreflang="{{ .Language.Lang }}">{{ .Language.LanguageName }}</a>
{{ end }}</header>
<main>
{{ block "main" . }}{{ end }}
</main>
</body>
</html>
""",
    "_default/single.html": """\
{{ define "main" }}
<article data-pagefind-body>
<h1>{{ .Title }}</h1>
<p><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date | time.Format ":date_long" }}</time></p>
{{ .Content }}
{{ with .Params.signers }}
<section>
<h2>{{ len . }}</h2>
<ul>
{{ range . }}<li>{{ . }}</li>
{{ end }}</ul>
</section>
{{ end }}
</article>
{{ end }}
""",
    "_default/list.html": """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul>
{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date | time.Format ":date_long" }}</time></li>
{{ end }}</ul>
{{ end }}
""",
    "index.html": """\
{{ define "main" }}
<h1>{{ .Site.Title }}</h1>
<ul>
{{ range (where .Site.RegularPages "Section" "statements").ByDate.Reverse }}<li>
<a href="{{ .RelPermalink }}">{{ .Title }}</a> <time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date | time.Format ":date_long" }}</time>
<p>{{ .Summary }}</p>
</li>
{{ end }}</ul>
{{ end }}
""",
}


def hugo_file(st: Statement, lang: str) -> str:
    title, summary, body = st.texts[lang]
    front = [f"title: {yaml_quote(title)}\n", f"date: {st.date.isoformat()}\n"]
    if lang == "es":
        front.append(f"slug: d-{st.number:05d}\n")
    front.append(f"summary: {yaml_quote(summary)}\n")
    front.append("signers:\n")
    front += [f"  - {yaml_quote(s.name_in(lang))}\n" for s in st.signers]
    return "---\n" + "".join(front) + "---\n" + body


# --------------------------------------------------------------------------------------
# Main


def fresh_dir(path: Path, marker: str) -> None:
    """Removes `path` and makes it anew, refusing anything that is not a generated corpus."""
    resolved = path.resolve()
    cwd = Path.cwd().resolve()
    if resolved == Path(resolved.anchor) or resolved == cwd or resolved in cwd.parents:
        sys.exit(f"gen_corpus: refusing to remove {path}: it is the current folder or above it")
    if resolved.exists():
        if not resolved.is_dir():
            sys.exit(f"gen_corpus: {path} exists and is not a folder")
        if any(resolved.iterdir()) and not (resolved / marker).is_file():
            sys.exit(f"gen_corpus: refusing to remove {path}: it is not empty and has no {marker}")
        shutil.rmtree(resolved)
    resolved.mkdir(parents=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--statements", type=int, default=1000, metavar="N",
                        help="number of statements (1–99999; default 1000)")  # fmt: skip
    parser.add_argument("--seed", type=int, default=1, metavar="S", help="random seed (default 1)")
    parser.add_argument("--out", type=Path, required=True, metavar="DIR",
                        help="folder for the undersigned site (removed first)")  # fmt: skip
    parser.add_argument("--hugo", type=Path, metavar="DIR2",
                        help="also write the same content as a Hugo site here (removed first)")  # fmt: skip
    args = parser.parse_args(argv)
    if not 1 <= args.statements <= 99999:
        parser.error("--statements must be between 1 and 99999")
    if args.hugo is not None:
        a, b = args.out.resolve(), args.hugo.resolve()
        if a == b or a in b.parents or b in a.parents:
            parser.error("--out and --hugo must be separate folders")

    started = time.perf_counter()
    rng = random.Random(args.seed)
    registry = make_registry(rng)
    statements = [make_statement(rng, i, registry) for i in range(1, args.statements + 1)]

    files = 0
    md_bytes = 0
    out = args.out
    fresh_dir(out, "site.yaml")
    write(out / "site.yaml", SITE_YAML)
    write(out / "signatories.yaml", registry_yaml(registry, args.seed))
    files += 2
    base = out / "content" / "statements"
    for st in statements:
        folder = base / st.folder
        folder.mkdir(parents=True)
        write(folder / "statement.yaml", statement_yaml(st))
        md_bytes += write(folder / "en.md", language_file(st, "en"))
        md_bytes += write(folder / "es.md", language_file(st, "es"))
        files += 3

    hugo_note = ""
    if args.hugo is not None:
        hugo = args.hugo
        fresh_dir(hugo, "hugo.toml")
        write(hugo / "hugo.toml", HUGO_TOML)
        hugo_files = 1
        hugo_md = 0
        for rel, text in HUGO_LAYOUTS.items():
            target = hugo / "layouts" / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            write(target, text)
            hugo_files += 1
        for lang in ("en", "es"):
            folder = hugo / "content" / lang / "statements"
            folder.mkdir(parents=True)
            for st in statements:
                hugo_md += write(folder / f"{st.folder}.md", hugo_file(st, lang))
                hugo_files += 1
        files += hugo_files
        hugo_note = f" (Hugo: {hugo_files} files, {hugo_md:,} bytes of Markdown)"

    elapsed = time.perf_counter() - started
    print(
        f"gen_corpus: {args.statements} statements, {files} files, "
        f"{md_bytes:,} bytes of Markdown{hugo_note} in {elapsed:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
