"""A module with a gate that lets only update ids that are even through."""


def allows(update):
    return update.id % 2 == 0
