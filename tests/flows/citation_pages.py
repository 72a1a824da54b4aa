"""An article of twelve sentences, each citing its own source for its own figure (issue 14).

One source is missing (the server answers 404) and one link, in a sentence with no claim, is
about nothing a claim says: both must still be fetched and reported as the article's citations.
"""

EVENTS = [
    ("power outage in Dunmore", 43000), ("flood in Carrow", 1200),
    ("water shortage in Belling", 8500), ("bridge closure in Ostley", 310),
    ("bus strike in Fenwick", 2700), ("school closures in Tarrow", 56),
    ("heatwave in Lisk", 940), ("gas leak in Marden", 15000),
    ("rail delays in Pelham", 620), ("landslide in Queensby", 77),
    ("storm damage in Rudd", 3300), ("wildfire in Sallow", 18000),
]
MISSING = 6  # the source of the seventh sentence answers 404


def source_path(i: int) -> str:
    return f"/cited/source-{i + 1}.html"


def _sentence(i: int) -> str:
    subject, homes = EVENTS[i]
    return (f'See <a href="{source_path(i)}">this source</a> on the {subject}, which affected '
            f"{homes:,} homes.")


ARTICLE = "".join([
    "<!doctype html><html><head><title>A winter of outages</title>",
    '<meta property="article:published_time" content="2024-02-01T08:00:00Z"></head><body>',
    "<article><h1>A winter of outages</h1>",
    *(f"<p>{' '.join(_sentence(i) for i in range(k, k + 4))}</p>" for k in range(0, 12, 4)),
    '<p>Readers can browse <a href="/cited/gallery.html">the photo gallery</a> here.</p>',
    "</article></body></html>",
])


def _source(i: int) -> str:
    subject, homes = EVENTS[i]
    return (f"<!doctype html><html><head><title>Report {i + 1}</title></head><body><article>"
            f"<h1>Report on the {subject}</h1><p>The {subject} affected {homes:,} homes, "
            "according to the regional authority's count published this week.</p>"
            "<p>Repairs continued through the weekend and crews stayed on site.</p>"
            "</article></body></html>")


GALLERY = ("<!doctype html><html><head><title>Photo gallery</title></head><body><article>"
           "<h1>Photo gallery</h1><p>Pictures of the coast at sunset, taken by our readers over "
           "the years.</p></article></body></html>")

PAGES: dict[str, str] = {
    "/cited/article.html": ARTICLE,
    "/cited/gallery.html": GALLERY,
    "/robots.txt": "User-agent: *\nAllow: /\n",
    **{source_path(i): _source(i) for i in range(12) if i != MISSING},
}
