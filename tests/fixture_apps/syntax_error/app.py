def process(update)
    return None
