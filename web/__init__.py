"""The FastAPI application: JSON API and server-rendered pages in Bahasa Indonesia."""
