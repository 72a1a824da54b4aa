from sources.addresses import check_url as check_url
from sources.decode import decode_body as decode_body
from sources.decode import detect_encoding as detect_encoding
from sources.fetch import Fetcher as Fetcher
from sources.fetch import fetch_urls as fetch_urls
from sources.snapshots import load_snapshot as load_snapshot
from sources.snapshots import save_snapshot as save_snapshot
