"""Item pipelines in flow order: validate 100 → dedupe 200 → links 300 → store 800 → neardup 900."""
