"""Small builders shared by the inspection tests."""
from hygiene.checklists.spec import parse_template

SIMPLE_SHEET = {
    "code": "test-sheet", "name": "测试表", "applies_to": "unit", "pass_mark": 60,
    "bands": [{"label": "优秀", "min": 90}, {"label": "合格", "min": 60}, {"label": "不合格", "min": 0}],
    "sections": [
        {"title": "环境", "items": [
            {"text": "地面整洁", "points": 40, "photo_on_fail": True},
            {"text": "垃圾日产日清", "points": 30, "scoring": "deduction", "deduction_step": 5},
        ]},
        {"title": "食品安全", "items": [
            {"text": "无食物中毒事件", "points": 10, "veto": True},
            {"text": "台账完整", "points": 20, "scoring": "grade"},
        ]},
    ],
}


def simple_spec(**changes):
    return parse_template({**SIMPLE_SHEET, **changes})
