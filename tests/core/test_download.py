"""The one download answer names its file so every browser saves it under that name."""
from urllib.parse import unquote

from hygiene.core.download import attachment_disposition


def test_a_slash_in_a_chinese_file_name_is_written_as_a_list_comma():
    header = attachment_disposition("live-ranking", "清溪镇村/社区实时排名.xlsx")
    assert unquote(header.split("filename*=UTF-8''")[1]) == "清溪镇村、社区实时排名.xlsx"
    assert 'filename="live-ranking"' in header


def test_a_name_of_nothing_but_forbidden_characters_falls_back_to_the_ascii_name():
    header = attachment_disposition("orders 2026/11", "\x00\x01")
    assert header == "attachment; filename=\"orders-2026-11\"; filename*=UTF-8''orders-2026-11"
