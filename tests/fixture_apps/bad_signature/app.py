def process(update, context):
    return None
