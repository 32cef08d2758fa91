"""A realistic county center for the demo: 姚安县政务服务中心 and the centers above it.

Eight departments, 31 items of all four types, a window per department and a 综合窗口 shared
by three, AB posts, and one authorization letter (授权书) per department whose powers leave
some departments below the targets of seed 003, as real centers are.
"""
from __future__ import annotations

from app.models.authorization import (ACCEPTANCE, APPROVAL, CERTIFICATE, COORDINATION,
                                      DELIVERY, LITIGATION)
from app.models.catalog import INSTANT, JOINT, LICENSING, OTHER_POWER, PROMISE, PUBLIC_SERVICE, REPORT

CENTERS = [  # code, name, level, region, parent code
    ("530000", "云南省政务服务中心", "province", "云南省", None),
    ("532300", "楚雄彝族自治州政务服务中心", "city", "云南省楚雄彝族自治州", "530000"),
    ("532325", "姚安县政务服务中心", "county", "云南省楚雄彝族自治州姚安县", "532300"),
]
COUNTY_CONTACT = {"address": "姚安县栋川镇政务服务中心大楼一楼", "phone": "0878-5721234",
                  "complaint_phone": "12345", "office_hours": "工作日 9:00-12:00，14:30-17:30",
                  "review_body": "姚安县人民政府", "court": "姚安县人民法院"}

DEPARTMENTS = [
    ("MSA", "县市场监督管理局"), ("NRP", "县自然资源和规划局"), ("HRS", "县人力资源和社会保障局"),
    ("HCD", "县住房和城乡建设局"), ("TRA", "县交通运输局"), ("HEA", "县卫生健康局"),
    ("CUL", "县文化和旅游局"), ("EDU", "县教育体育局"),
]
# 机关代字: what each department's document numbers begin with.
DOCUMENT_CODES = {"MSA": "姚市监", "NRP": "姚自然资", "HRS": "姚人社", "HCD": "姚住建",
                  "TRA": "姚交运", "HEA": "姚卫健", "CUL": "姚文旅", "EDU": "姚教体"}

# Staff of each department: (username suffix, display name, role). MSA keeps the short demo
# names (clerk, chief, leader) that the README and the tests use.
STAFF_NAMES = {
    "MSA": ("张丽", "刘洋", "陈静", "赵刚"), "NRP": ("孙悦", "周航", "吴敏", "郑伟"),
    "HRS": ("冯雪", "褚明", "卫华", "蒋涛"), "HCD": ("沈倩", "韩冰", "杨帆", "朱军"),
    "TRA": ("秦岚", "尤佳", "许诺", "何平"), "HEA": ("吕婷", "施杰", "张敏", "孔亮"),
    "CUL": ("曹颖", "严宽", "华蕾", "金鑫"), "EDU": ("魏然", "陶冶", "姜楠", "戚峰"),
}

WINDOWS = [  # code, name, kind, department codes, posts [(name, A, B)]
    ("01", "市场监管窗口", "independent", ["MSA"], [("市场监管受理岗", "clerk", "msa_b")]),
    ("02", "自然资源窗口", "independent", ["NRP"], [("自然资源受理岗", "nrp_a", "nrp_b")]),
    ("03", "住建窗口", "independent", ["HCD"], [("住建受理岗", "hcd_a", "hcd_b")]),
    ("04", "交通运输窗口", "independent", ["TRA"], [("交通受理岗", "tra_a", "tra_b")]),
    ("05", "卫生健康窗口", "independent", ["HEA"], [("卫健受理岗", "hea_a", "hea_b")]),
    ("06", "综合受理窗口", "comprehensive", ["HRS", "CUL", "EDU"],
     [("综合受理一号岗", "hrs_a", "cul_a"), ("综合受理二号岗", "edu_a", "hrs_b")]),
]

_FORM = {"code": "application_form", "name": "申请书", "required": True, "copies": 1}
_ID = {"code": "id_card", "name": "身份证明", "required": True, "copies": 1}
_PREMISES = {"code": "premises_proof", "name": "经营场所证明", "required": True,
             "deferrable": True, "copies": 1}
_PHOTOS = {"code": "photos", "name": "场所照片", "required": False, "copies": 1}
_PLAN = {"code": "site_plan", "name": "总平面图及建设工程设计方案", "required": True, "copies": 2}
_LICENCE = {"code": "business_licence", "name": "营业执照", "required": True, "copies": 1}
MATERIALS = {"shop": [_FORM, _ID, _PREMISES, _PHOTOS], "build": [_FORM, _ID, _PLAN],
             "company": [_FORM, _LICENCE, _ID], "person": [_FORM, _ID]}

LAW = {
    "MSA": "《中华人民共和国市场主体登记管理条例》《中华人民共和国食品安全法》",
    "NRP": "《中华人民共和国城乡规划法》《中华人民共和国土地管理法》",
    "HRS": "《中华人民共和国就业促进法》《中华人民共和国社会保险法》",
    "HCD": "《中华人民共和国建筑法》《城镇燃气管理条例》",
    "TRA": "《中华人民共和国道路运输条例》《公路安全保护条例》",
    "HEA": "《医疗机构管理条例》《公共场所卫生管理条例》",
    "CUL": "《娱乐场所管理条例》《营业性演出管理条例》",
    "EDU": "《中华人民共和国民办教育促进法》《教师资格条例》",
}

# code, name, kind, category, legal days, promised days, materials, 超时默认, joint departments
# (a joint department's own limit after a colon; without one it has the item's promised limit)
ITEMS = [
    ("MSA-001", "个体工商户设立登记", INSTANT, OTHER_POWER, 15, 0, "shop", False, []),
    ("MSA-002", "食品经营许可证核发", PROMISE, LICENSING, 20, 10, "shop", True, []),
    ("MSA-003", "食品小作坊登记证核发", PROMISE, LICENSING, 20, 7, "shop", False, []),
    ("MSA-004", "营业执照遗失补领", INSTANT, PUBLIC_SERVICE, 5, 0, "company", False, []),
    ("MSA-005", "开办餐饮店“一件事”联办", JOINT, LICENSING, 20, 8, "shop", True, ["HEA:7", "HCD:5"]),
    ("NRP-001", "乡村建设规划许可证核发", PROMISE, LICENSING, 20, 12, "build", False, []),
    ("NRP-002", "建设项目用地预审与选址意见书核发", PROMISE, LICENSING, 20, 15, "build", False, []),
    ("NRP-003", "不动产登记资料查询", INSTANT, PUBLIC_SERVICE, 1, 0, "person", False, []),
    ("NRP-004", "临时用地审批", PROMISE, LICENSING, 20, 10, "build", True, []),
    ("NRP-005", "工业项目用地联合审查", JOINT, LICENSING, 20, 15, "build", False,
     ["HCD:10", "TRA:12", "MSA"]),
    ("HRS-001", "就业失业登记证明", INSTANT, PUBLIC_SERVICE, 5, 0, "person", False, []),
    ("HRS-002", "社会保障卡申领", INSTANT, PUBLIC_SERVICE, 5, 0, "person", False, []),
    ("HRS-003", "职业培训补贴申领", PROMISE, PUBLIC_SERVICE, 20, 10, "person", False, []),
    ("HRS-004", "劳务派遣经营许可", PROMISE, LICENSING, 20, 15, "company", True, []),
    ("HCD-001", "建筑工程施工许可证核发", PROMISE, LICENSING, 15, 5, "build", True, []),
    ("HCD-002", "商品房预售许可", PROMISE, LICENSING, 20, 10, "build", False, []),
    ("HCD-003", "燃气经营许可证核发", PROMISE, LICENSING, 20, 15, "company", False, []),
    ("HCD-004", "建筑业企业资质核准（施工总承包三级）", REPORT, LICENSING, 20, 20, "company",
     False, []),
    ("HCD-005", "建设工程竣工联合验收", JOINT, LICENSING, 20, 12, "build", True, ["NRP:12", "HEA:10"]),
    ("TRA-001", "道路货物运输经营许可", PROMISE, LICENSING, 20, 10, "company", False, []),
    ("TRA-002", "出租汽车驾驶员从业资格证核发", INSTANT, LICENSING, 20, 0, "person", False, []),
    ("TRA-003", "公路超限运输许可", PROMISE, LICENSING, 5, 3, "company", True, []),
    ("TRA-004", "道路旅客运输经营许可（县际）", REPORT, LICENSING, 20, 20, "company", False, []),
    ("HEA-001", "医疗机构执业登记", PROMISE, LICENSING, 45, 20, "company", False, []),
    ("HEA-002", "公共场所卫生许可证核发", PROMISE, LICENSING, 20, 7, "shop", True, []),
    ("HEA-003", "母婴保健技术服务执业许可", REPORT, LICENSING, 20, 20, "company", False, []),
    ("CUL-001", "娱乐场所经营许可", PROMISE, LICENSING, 20, 10, "shop", False, []),
    ("CUL-002", "营业性演出审批", PROMISE, LICENSING, 20, 5, "company", True, []),
    ("CUL-003", "歌舞娱乐场所开办“一件事”联办", JOINT, LICENSING, 20, 10, "shop", True,
     ["MSA:8", "HEA:7"]),
    ("EDU-001", "民办幼儿园办学许可", PROMISE, LICENSING, 20, 15, "company", False, []),
    ("EDU-002", "教师资格认定", PROMISE, PUBLIC_SERVICE, 20, 15, "person", False, []),
]

# 收费标准 and 收费依据: licensing is free by law (行政许可法 art. 58) unless a law says
# otherwise; a few public services charge for a replacement.
FREE_LICENSING = ("《中华人民共和国行政许可法》第五十八条：行政机关实施行政许可和对行政许可事项进行"
                  "监督检查，不得收取任何费用。")
FEES = {
    "HRS-002": ("首次申领不收费；遗失、损坏补换卡的，按省级价格主管部门核定的工本费标准收取",
                "省级价格主管部门、财政部门关于社会保障卡工本费的收费文件"),
    "MSA-004": ("不收费", "《市场主体登记管理条例》：登记机关办理登记不收取费用。"),
}

# Where each 上报件 is decided (审批层级); the levels above run three_level_review.
APPROVAL_LEVEL = {"HCD-004": "city", "TRA-004": "city", "HEA-003": "province"}
# Seed 004: why a promise item may take longer than 2 working days; the rest (HRS-003,
# TRA-003, CUL-002, EDU-002) are decided by the department within 2 working days.
LONG_DECISION_REASON = {
    "MSA-002": "site_survey", "MSA-003": "site_survey", "NRP-001": "site_survey",
    "NRP-002": "prior_approval", "NRP-004": "site_survey", "HRS-004": "site_survey",
    "HCD-001": "prior_approval", "HCD-002": "site_survey", "HCD-003": "expert_review",
    "TRA-001": "site_survey", "HEA-001": "site_survey", "HEA-002": "site_survey",
    "CUL-001": "site_survey", "EDU-001": "site_survey",
}


def basic_code(item_code: str) -> str:
    """基本编码: the same at every level that handles the item."""
    department, number = item_code.split("-")
    return f"{department}{number}00000"


PROCESS_FOR_KIND = {  # joint and report items run the processes of issues #5 and #6
    INSTANT: "service_item", PROMISE: "service_item", JOINT: "joint_approval",
    REPORT: "three_level_report",
}

BASIC = (ACCEPTANCE, COORDINATION, DELIVERY, LITIGATION)
FULL = (*BASIC, APPROVAL, CERTIFICATE)

# Powers each department's letter grants, item by item; an item not named gets none.
LETTERS = {
    # 食品经营许可 stays with the leader: licensing review 2/3, below the 80% target.
    "MSA": {"MSA-001": FULL, "MSA-002": (*BASIC, CERTIFICATE), "MSA-003": FULL,
            "MSA-004": FULL, "MSA-005": FULL},
    # Planning permits are decided and certified by the bureau: licensing review 0/4.
    "NRP": {"NRP-001": BASIC, "NRP-002": BASIC, "NRP-003": FULL, "NRP-004": BASIC,
            "NRP-005": BASIC},
    "HRS": {code: FULL for code in ("HRS-001", "HRS-002", "HRS-003", "HRS-004")},
    # No litigation power on the 上报件: 4/5 below the 100% target.
    "HCD": {"HCD-001": FULL, "HCD-002": FULL, "HCD-003": FULL,
            "HCD-004": (ACCEPTANCE, COORDINATION, DELIVERY, APPROVAL, CERTIFICATE),
            "HCD-005": FULL},
    "TRA": {code: FULL for code in ("TRA-001", "TRA-002", "TRA-003", "TRA-004")},
    "HEA": {"HEA-001": FULL, "HEA-002": FULL, "HEA-003": (*BASIC, APPROVAL)},
    # The joint item's acceptance is the bureau's own: no 受理决定权, so its intake review goes
    # to the approving leader (cul_leader), not the lead window: acceptance 2/3.
    "CUL": {"CUL-001": FULL, "CUL-002": FULL, "CUL-003": (COORDINATION, DELIVERY, LITIGATION)},
    "EDU": {"EDU-001": FULL, "EDU-002": FULL},
}
# EDU's first letter of the year named a chief representative since transferred (人事调整):
# it was replaced on March 1st, and stays on record.
FORMER_CHIEF = ("EDU", "edu_former", "原首席代表 邹宁", "人事调整：原首席代表调离，重新授权")

COMMITTEE = [("committee1", "审批决策委员会 黄超"), ("committee2", "审批决策委员会 翁常学"),
             ("committee3", "审批决策委员会 余佳春")]
