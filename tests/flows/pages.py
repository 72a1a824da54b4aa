"""A small article and its sources, written for the end-to-end tests."""

ARTICLE = """<!doctype html><html><head><title>Lake Baikal under pressure</title>
<meta property="article:published_time" content="2021-05-10T08:00:00Z"></head>
<body><nav>Home | World | Science</nav><article><h1>Lake Baikal under pressure</h1>
<p>Lake Baikal in Siberia is the deepest lake in the world, reaching a depth of 1,642 metres,
according to <a href="/sources/baikal-facts.html">the Baikal survey</a>.</p>
<p>The lake holds about 23,000 cubic kilometres of fresh water, roughly a fifth of the world's
unfrozen surface fresh water.</p>
<p>UNESCO listed Lake Baikal as a World Heritage Site in 1996, as reported by the
<a href="/sources/heritage.html">heritage register</a>.</p>
<p>Tourism around the lake grew to 2 million visitors in 2019, says
<a href="/sources/missing.html">the regional office</a>.</p>
<p>Isn't it time we cared more about our lakes?</p></article>
<footer>About the author | Share this</footer></body></html>"""

BAIKAL = """<!doctype html><html><head><title>Baikal facts</title></head><body>
<article><h1>Baikal survey: facts and figures</h1>
<p>Lake Baikal is the deepest lake on Earth. Its maximum depth is 1,642 metres, measured in the
central basin.</p>
<p>The lake contains roughly 23,000 cubic kilometres of water, about 20 percent of the world's
fresh surface water that is not frozen.</p>
<p>Baikal is also among the oldest lakes, estimated at 25 million years.</p></article></body></html>"""

HERITAGE = """<!doctype html><html><head><title>Heritage register: Lake Baikal</title></head><body>
<article><h1>Lake Baikal on the World Heritage list</h1>
<p>Lake Baikal was inscribed on the UNESCO World Heritage List in 1996 for its outstanding
freshwater ecosystem.</p>
<p>The site covers 8.8 million hectares around the lake.</p></article></body></html>"""

PAGES = {
    "/article.html": ARTICLE,
    "/sources/baikal-facts.html": BAIKAL,
    "/sources/heritage.html": HERITAGE,
    "/robots.txt": "User-agent: *\nAllow: /\n",
}
