"""The wiki footprint check: what a volunteer's user pages reveal about the person.

Framework-free: ``analyse`` reads wikitext, ``findings`` describes what it found. Nothing here
stores anything; the check runs only when the person asks for it.
"""
