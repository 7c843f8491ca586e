def process(update, *extra, **options):
    return None
