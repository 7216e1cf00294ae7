"""(being written)"""

from fastapi import FastAPI

from web.deps import Web


def create_api(web: Web) -> FastAPI:
    api = FastAPI(title="Kinerja API", version="1", docs_url=None, redoc_url=None)
    api.state.web = web
    return api
