"""TypedDicts of the JSON the trackers send and receive (as discord.py's ``discord/types``): one module per
vendor, named as the vendor's API names things. ``NotRequired`` marks what a vendor may leave out; a
field the API always sends but may set to null is typed ``X | None``. See ../shared/api-facts.md."""
