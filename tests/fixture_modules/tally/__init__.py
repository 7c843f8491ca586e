"""A module with module-level state: a count that apps bump."""
count = 0


def bump():
    global count
    count += 1
    return count
