"""Synthetic demo expos at any scale, up to the Canton Fair's (75,000 booths).

``make_demo`` writes an expo file that looks like a real trade show: halls on
several levels, booth rows with aisles and cross aisles, booths of varied sizes
(standard, double, islands), zones, exhibitors that hold one or several
neighbouring booths, co-exhibitors sharing a booth now and then, and products
whose names, Chinese names, pinyin and summaries are built from a vocabulary
large enough for search to mean something. The same seed gives the same file.
The file says it is synthetic (``expo.synthetic = 1`` and its name), and the
window says so on the plan.

Speed: everything is generated in memory and written with ``executemany`` in
one transaction; the search index is built afterwards with the regular
``rebuild_index``.
"""
from __future__ import annotations

import math
import os
import random
import sqlite3
import time
from pathlib import Path

from . import fileops, layout
from .errors import UsageError, is_storage_fault, storage_error
from .expo import open_expo
from .importing.document import insert_expo
from .search import rebuild_index

# (slug, English name, Chinese name, colour, tool types: (English, Chinese, pinyin))
ZONES = [
    ("electronics", "Consumer Electronics", "消费电子", "#4c6ef5", [
        ("power bank", "充电宝", "chong dian bao"), ("bluetooth speaker", "蓝牙音箱", "lan ya yin xiang"),
        ("earphones", "耳机", "er ji"), ("smart watch", "智能手表", "zhi neng shou biao"),
        ("USB cable", "数据线", "shu ju xian"), ("phone case", "手机壳", "shou ji ke")]),
    ("appliances", "Household Appliances", "家用电器", "#15aabf", [
        ("rice cooker", "电饭煲", "dian fan bao"), ("electric kettle", "电水壶", "dian shui hu"),
        ("air fryer", "空气炸锅", "kong qi zha guo"), ("ceiling fan", "吊扇", "diao shan"),
        ("vacuum cleaner", "吸尘器", "xi chen qi"), ("microwave oven", "微波炉", "wei bo lu")]),
    ("lighting", "Lighting", "照明", "#fab005", [
        ("LED bulb", "LED灯泡", "LED deng pao"), ("floodlight", "泛光灯", "fan guang deng"),
        ("desk lamp", "台灯", "tai deng"), ("solar street light", "太阳能路灯", "tai yang neng lu deng"),
        ("light strip", "灯带", "deng dai")]),
    ("hardware", "Hardware & Tools", "五金工具", "#e8590c", [
        ("socket wrench", "套筒扳手", "tao tong ban shou"), ("angle grinder", "角磨机", "jiao mo ji"),
        ("electric drill", "电钻", "dian zuan"), ("circular saw", "圆锯", "yuan ju"),
        ("claw hammer", "羊角锤", "yang jiao chui"), ("screwdriver", "螺丝刀", "luo si dao"),
        ("pliers", "钳子", "qian zi"), ("tape measure", "卷尺", "juan chi")]),
    ("machinery", "Industrial Machinery", "机械设备", "#495057", [
        ("water pump", "水泵", "shui beng"), ("ball valve", "球阀", "qiu fa"),
        ("bearing", "轴承", "zhou cheng"), ("electric motor", "电机", "dian ji"),
        ("gear box", "齿轮箱", "chi lun xiang"), ("air compressor", "空压机", "kong ya ji"),
        ("CNC lathe", "数控车床", "shu kong che chuang")]),
    ("energy", "New Energy", "新能源", "#40c057", [
        ("solar panel", "太阳能板", "tai yang neng ban"), ("lithium battery", "锂电池", "li dian chi"),
        ("inverter", "逆变器", "ni bian qi"), ("EV charger", "充电桩", "chong dian zhuang"),
        ("wind turbine", "风力发电机", "feng li fa dian ji")]),
    ("vehicles", "Vehicles & Parts", "车辆及配件", "#1971c2", [
        ("electric scooter", "电动滑板车", "dian dong hua ban che"), ("bicycle", "自行车", "zi xing che"),
        ("car tyre", "轮胎", "lun tai"), ("brake pad", "刹车片", "sha che pian"),
        ("motorcycle helmet", "摩托车头盔", "mo tuo che tou kui")]),
    ("building", "Building Materials", "建筑材料", "#a0522d", [
        ("ceramic tile", "瓷砖", "ci zhuan"), ("faucet", "水龙头", "shui long tou"),
        ("door lock", "门锁", "men suo"), ("window frame", "窗框", "chuang kuang"),
        ("shower head", "花洒", "hua sa"), ("floor board", "地板", "di ban")]),
    ("kitchen", "Kitchenware", "厨房用品", "#f06595", [
        ("frying pan", "煎锅", "jian guo"), ("knife set", "刀具套装", "dao ju tao zhuang"),
        ("teapot", "茶壶", "cha hu"), ("cutting board", "砧板", "zhen ban"),
        ("vacuum flask", "保温杯", "bao wen bei")]),
    ("home", "Home Decor", "家居装饰", "#cc5de8", [
        ("ceramic vase", "花瓶", "hua ping"), ("photo frame", "相框", "xiang kuang"),
        ("scented candle", "香薰蜡烛", "xiang xun la zhu"), ("artificial flower", "仿真花", "fang zhen hua"),
        ("wall clock", "挂钟", "gua zhong")]),
    ("furniture", "Furniture", "家具", "#862e9c", [
        ("office chair", "办公椅", "ban gong yi"), ("sofa", "沙发", "sha fa"),
        ("dining table", "餐桌", "can zhuo"), ("wardrobe", "衣柜", "yi gui"),
        ("bunk bed", "双层床", "shuang ceng chuang")]),
    ("textiles", "Textiles & Garments", "纺织服装", "#e64980", [
        ("bath towel", "浴巾", "yu jin"), ("t-shirt", "T恤", "T xu"),
        ("down jacket", "羽绒服", "yu rong fu"), ("bed sheet", "床单", "chuang dan"),
        ("silk scarf", "丝巾", "si jin")]),
    ("shoes-bags", "Shoes & Bags", "鞋包", "#d9480f", [
        ("sneaker", "运动鞋", "yun dong xie"), ("backpack", "背包", "bei bao"),
        ("handbag", "手提包", "shou ti bao"), ("suitcase", "行李箱", "xing li xiang")]),
    ("toys", "Toys & Gifts", "玩具礼品", "#fd7e14", [
        ("toy car", "玩具车", "wan ju che"), ("jigsaw puzzle", "拼图", "pin tu"),
        ("plush toy", "毛绒玩具", "mao rong wan ju"), ("building blocks", "积木", "ji mu"),
        ("kite", "风筝", "feng zheng")]),
    ("health", "Health & Medical", "医疗保健", "#0ca678", [
        ("massage chair", "按摩椅", "an mo yi"), ("blood pressure monitor", "血压计", "xue ya ji"),
        ("face mask", "口罩", "kou zhao"), ("wheelchair", "轮椅", "lun yi")]),
    ("office", "Office & Stationery", "办公文具", "#5c940d", [
        ("gel pen", "中性笔", "zhong xing bi"), ("notebook", "笔记本", "bi ji ben"),
        ("laser printer", "激光打印机", "ji guang da yin ji"), ("paper shredder", "碎纸机", "sui zhi ji")]),
]

MATERIALS = [
    ("Stainless Steel", "不锈钢", "bu xiu gang"), ("Aluminium Alloy", "铝合金", "lv he jin"),
    ("Carbon Steel", "碳钢", "tan gang"), ("ABS Plastic", "ABS塑料", "ABS su liao"),
    ("Bamboo", "竹制", "zhu zhi"), ("Ceramic", "陶瓷", "tao ci"), ("Tempered Glass", "钢化玻璃", "gang hua bo li"),
    ("Cotton", "纯棉", "chun mian"), ("Silicone", "硅胶", "gui jiao"), ("Copper", "铜", "tong"),
    ("Oak", "橡木", "xiang mu"), ("Titanium", "钛合金", "tai he jin"), ("Nylon", "尼龙", "ni long"),
    ("Leather", "真皮", "zhen pi"), ("Cast Iron", "铸铁", "zhu tie"), ("Carbon Fibre", "碳纤维", "tan xian wei"),
]
ADJECTIVES = [
    ("Portable", "便携式", "bian xie shi"), ("Heavy-duty", "重型", "zhong xing"),
    ("Cordless", "无线", "wu xian"), ("Foldable", "折叠", "zhe die"), ("Smart", "智能", "zhi neng"),
    ("Waterproof", "防水", "fang shui"), ("Eco-friendly", "环保", "huan bao"), ("Mini", "迷你", "mi ni"),
    ("Industrial", "工业级", "gong ye ji"), ("Professional", "专业", "zhuan ye"),
    ("Energy-saving", "节能", "jie neng"), ("Rechargeable", "充电式", "chong dian shi"),
    ("Anti-slip", "防滑", "fang hua"), ("High-pressure", "高压", "gao ya"), ("Ultra-thin", "超薄", "chao bao"),
    ("Multi-function", "多功能", "duo gong neng"), ("Compact", "紧凑型", "jin cou xing"),
    ("Luxury", "豪华", "hao hua"),
]
CITIES = [
    ("Ningbo", "宁波"), ("Yongkang", "永康"), ("Foshan", "佛山"), ("Shenzhen", "深圳"),
    ("Dongguan", "东莞"), ("Guangzhou", "广州"), ("Xiamen", "厦门"), ("Wenzhou", "温州"),
    ("Hangzhou", "杭州"), ("Suzhou", "苏州"), ("Qingdao", "青岛"), ("Zhongshan", "中山"),
    ("Jinhua", "金华"), ("Taizhou", "台州"), ("Shantou", "汕头"), ("Yiwu", "义乌"),
    ("Tianjin", "天津"), ("Chengdu", "成都"), ("Wuhan", "武汉"), ("Changzhou", "常州"),
    ("Jiangmen", "江门"), ("Quanzhou", "泉州"), ("Shaoxing", "绍兴"), ("Nantong", "南通"),
]
SYLLABLES = [
    ("Heng", "恒"), ("Da", "达"), ("Xin", "鑫"), ("Long", "隆"), ("Hua", "华"), ("Tai", "泰"),
    ("Sheng", "盛"), ("Feng", "丰"), ("Kai", "凯"), ("Rui", "瑞"), ("Jia", "佳"), ("Mei", "美"),
    ("Yuan", "源"), ("Bo", "博"), ("Tong", "通"), ("Li", "利"), ("Hong", "宏"), ("Chang", "昌"),
    ("Fu", "富"), ("Xiang", "祥"), ("Jin", "金"), ("Yi", "益"), ("Wei", "伟"), ("Ming", "明"),
]
# Industry words in company names, per zone (English, Chinese, pinyin).
INDUSTRY = {
    "electronics": ("Electronics", "电子", "dianzi"), "appliances": ("Electrical Appliance", "电器", "dianqi"),
    "lighting": ("Lighting", "照明", "zhaoming"), "hardware": ("Hardware Tools", "五金工具", "wujin gongju"),
    "machinery": ("Machinery", "机械", "jixie"), "energy": ("New Energy", "新能源", "xin nengyuan"),
    "vehicles": ("Auto Parts", "汽配", "qipei"), "building": ("Building Materials", "建材", "jiancai"),
    "kitchen": ("Kitchenware", "厨具", "chuju"), "home": ("Home Decor", "家居", "jiaju"),
    "furniture": ("Furniture", "家具", "jiaju"), "textiles": ("Textile", "纺织", "fangzhi"),
    "shoes-bags": ("Shoes and Bags", "鞋业", "xieye"), "toys": ("Toys", "玩具", "wanju"),
    "health": ("Medical Devices", "医疗器械", "yiliao qixie"), "office": ("Stationery", "文具", "wenju"),
}
SUFFIXES = [("Co., Ltd.", "有限公司"), ("Industrial Co., Ltd.", "实业有限公司"),
            ("Technology Co., Ltd.", "科技有限公司"), ("Trading Co., Ltd.", "贸易有限公司"),
            ("Group Co., Ltd.", "集团有限公司"), ("Manufacturing Co., Ltd.", "制造有限公司")]
COUNTRIES = ["China"] * 46 + ["Vietnam", "Turkey", "India", "Italy", "Malaysia", "Thailand",
                              "Pakistan", "Indonesia"]
CERTS = ["CE", "RoHS", "FCC", "UL", "ISO 9001", "GS", "CCC", "ETL", "SGS"]
FEATURES = ["OEM and ODM welcome", "private label available", "fast delivery", "customised logo",
            "free samples", "two-year warranty", "factory direct price", "export quality",
            "low minimum order", "in stock"]


def make_demo(out: str | os.PathLike, booths: int = 2000, products: int = 10000,
              exhibitors: int | None = None, seed: int = 1, levels: int | None = None) -> dict:
    """Write a synthetic expo to ``out`` (atomically); return counts and timings."""
    if booths < 1:
        raise UsageError("--booths must be at least 1")
    if products < 0:
        raise UsageError("--products must not be negative")
    if exhibitors is None:
        exhibitors = max(1, round(booths * 0.4))
    if exhibitors < 1:
        raise UsageError("--exhibitors must be at least 1")
    t0 = time.perf_counter()
    rng = random.Random(seed)
    halls, booth_rows = demo_layout(booths, rng, levels)
    t_layout = time.perf_counter()
    ex_rows, occupancy = _exhibitors(booth_rows, exhibitors, rng)
    t_ex = time.perf_counter()

    out = Path(out)
    fileops.check_target(out, "an expo file")
    tmp = os.fspath(fileops.temp_beside(out, "demo", ".sqlite"))
    timings = {}
    try:
        expo = open_expo(tmp, create=True)
        conn = expo._conn
        try:
            conn.execute("PRAGMA journal_mode = OFF")
            conn.execute("PRAGMA synchronous = OFF")
            conn.execute("PRAGMA cache_size = -200000")
            conn.execute("BEGIN")
            insert_expo(conn, {
                "slug": f"demo-{seed}-{booths}",
                "name": f"Demo Trade Fair (synthetic data, {booths:,} booths)",
                "name_zh": "演示交易会（合成数据）", "short_zh": "演示展", "edition": 1,
                "venue": "Demo Exhibition Centre", "city": "Nowhere", "start_date": "2030-04-15",
                "days": 5, "summary": "A synthetic expo generated for testing and benchmarks. "
                "Every exhibitor, booth and product in it is invented; none is real.",
                "schematic": True, "synthetic": True})
            conn.executemany("INSERT INTO zones(slug, name, name_zh, color, sort) VALUES (?,?,?,?,?)",
                             [(z[0], z[1], z[2], z[3], i) for i, z in enumerate(ZONES)])
            conn.executemany("INSERT INTO halls(slug, name, level, x, y, w, h, zone) "
                             "VALUES (:slug, :name, :level, :x, :y, :w, :h, :zone)", halls)
            conn.executemany("INSERT INTO booths(code, hall, zone, x, y, w, h, placed) "
                             "VALUES (?,?,?,?,?,?,?,1)",
                             [(b["code"], b["hall"], b["zone"], b["x"], b["y"], b["w"], b["h"])
                              for b in booth_rows])
            conn.executemany("INSERT INTO exhibitors(slug, name, name_zh, pinyin, aliases, country, "
                             "category, zone, summary) VALUES (?,?,?,?,'[]',?,?,?,?)", ex_rows)
            conn.executemany("INSERT INTO booth_exhibitors(booth, exhibitor) VALUES (?, ?)",
                             occupancy)
            t_ins = time.perf_counter()
            conn.executemany("INSERT INTO products(slug, exhibitor, name, name_zh, pinyin, tool_type, "
                             "summary, specs) VALUES (?,?,?,?,?,?,?,?)",
                             _products(ex_rows, products, rng))
            t_prod = time.perf_counter()
            rebuild_index(conn)
            t_fts = time.perf_counter()
            conn.execute("COMMIT")
            timings = {"layout_s": t_layout - t0, "exhibitors_s": t_ex - t_layout,
                       "insert_s": t_ins - t_ex, "products_s": t_prod - t_ins,
                       "search_index_s": t_fts - t_prod}
            conn.execute("PRAGMA journal_mode = DELETE")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        finally:
            expo.close()
        fileops.replace(tmp, out, database=True)
    except sqlite3.Error as exc:
        fileops.remove(tmp, sidecars=True)
        if is_storage_fault(exc):
            raise storage_error(out, exc, "cannot write it") from None
        raise
    except BaseException:
        fileops.remove(tmp, sidecars=True)
        raise
    timings["total_s"] = time.perf_counter() - t0
    return {"booths": len(booth_rows), "halls": len(halls),
            "levels": len({h["level"] for h in halls}), "exhibitors": len(ex_rows),
            "products": products, "seed": seed, "out": str(out),
            **{k: round(v, 2) for k, v in timings.items()}}


# --------------------------------------------------------------------- layout
def demo_layout(n_booths: int, rng: random.Random, levels: int | None = None):
    """Halls on levels (same footprint on each level), filled with booth rows.

    Returns (halls, booths) with exactly ``n_booths`` booths.
    """
    per_hall = max(120, min(1500, n_booths // 40))
    n_halls = max(1, math.ceil(n_booths / (per_hall * 0.85)))
    if levels is None:
        levels = 1 if n_halls < 3 else min(3, max(2, math.ceil(n_halls / 16)))
    per_level = math.ceil(n_halls / levels)
    cols = max(1, math.ceil(math.sqrt(per_level * 1.5)))
    zone_order = list(range(len(ZONES)))
    halls: list[dict] = []
    booths: list[dict] = []
    # Every hall on a level shares one grid cell size so rows of halls line up.
    booth_w = 3.0
    per_segment = 12
    # About 1.6 times as wide as deep: booths = 2 * blocks * columns, columns ~ 4.8 * blocks.
    blocks = max(2, round(math.sqrt(per_hall / 9.6)))
    segments = max(1, round(per_hall / (2 * blocks) / per_segment))
    proto = layout.HallSpec("", "", 0, 0, 0, segments=segments, per_segment=per_segment,
                            blocks=blocks, booth_w=booth_w)
    cell_w, cell_h = proto.w + 14.0, proto.h + 16.0
    remaining = n_booths
    hall_no = 0
    for level in range(levels):
        for k in range(per_level):
            if remaining <= 0:
                break
            hall_no += 1
            # A zone spans a few neighbouring halls; each level starts where the last ended.
            zone = ZONES[zone_order[(hall_no - 1) * len(ZONES) // max(n_halls, 1) % len(ZONES)]][0]
            col, row = k % cols, k // cols
            number = f"{level + 1}.{k + 1}"
            # Varied halls: narrower/deeper booths in some, more or fewer runs.
            bw, bd = rng.choice([(3.0, 3.0), (3.0, 3.0), (3.0, 2.5), (3.0, 4.0)])
            seg = max(1, segments - rng.choice([0, 0, 0, 1]))
            per_seg = max(4, min(per_segment, int(proto.w / bw / seg) - 2))
            blk = max(1, min(blocks, int((proto.h - 10) / (2 * bd + 3.0))))
            spec = layout.HallSpec(slug=f"hall-{level + 1}-{k + 1}", name=f"Hall {number}",
                                   number=number, x=col * cell_w, y=row * cell_h, level=level,
                                   zone=zone, segments=seg, per_segment=per_seg, blocks=blk,
                                   booth_w=bw, booth_d=bd)
            hb = layout.hall_booths(spec, merge_rate=rng.choice([0.05, 0.12, 0.2]), rng=rng)
            hb = _add_islands(hb, spec, rng)
            if len(hb) > remaining:
                hb = hb[:remaining]
            remaining -= len(hb)
            halls.append({"slug": spec.slug, "name": spec.name, "level": level, "x": spec.x,
                          "y": spec.y, "w": spec.w, "h": spec.h, "zone": zone})
            booths.extend(hb)
        if remaining <= 0:
            break
    while remaining > 0:  # rounding left some booths over: one more hall on the top level
        level = levels - 1
        k = sum(1 for h in halls if h["level"] == level)
        number = f"{level + 1}.{k + 1}"
        spec = layout.HallSpec(slug=f"hall-{level + 1}-{k + 1}", name=f"Hall {number}",
                               number=number, x=(k % cols) * cell_w, y=(k // cols) * cell_h,
                               level=level, zone=halls[-1]["zone"], segments=segments,
                               per_segment=per_segment, blocks=blocks, booth_w=booth_w)
        hb = layout.hall_booths(spec, merge_rate=0.1, rng=rng)[:remaining]
        remaining -= len(hb)
        halls.append({"slug": spec.slug, "name": spec.name, "level": level, "x": spec.x,
                      "y": spec.y, "w": spec.w, "h": spec.h, "zone": spec.zone})
        booths.extend(hb)
    return halls, booths


def _add_islands(booths: list[dict], spec: layout.HallSpec, rng: random.Random) -> list[dict]:
    """Join 2 x 2 blocks across a back-to-back row pair into island stands, a few per hall."""
    by_pos = {(round(b["x"], 3), round(b["y"], 3)): b for b in booths if b["w"] == spec.booth_w}
    candidates = [b for b in booths if b["w"] == spec.booth_w]
    rng.shuffle(candidates)
    taken: set[str] = set()
    islands = 0
    want = max(1, len(booths) // 150)
    for b in candidates:
        if islands >= want:
            break
        x, y = round(b["x"], 3), round(b["y"], 3)
        group = [by_pos.get((round(x + dx, 3), round(y + dy, 3)))
                 for dx in (0, spec.booth_w) for dy in (0, spec.booth_d)]
        if any(g is None or g["code"] in taken for g in group):
            continue
        # Only a front row and the row behind it (same back-to-back block).
        rel = (y - spec.y - spec.margin) / (2 * spec.booth_d + spec.aisle)
        if abs(rel - round(rel)) > 1e-6:
            continue
        codes = [g["code"] for g in group]
        taken.update(codes)
        booths = layout.merge_block(booths, codes, codes[0])
        islands += 1
    booths.sort(key=lambda b: (b["y"], b["x"]))
    return booths


# ----------------------------------------------------------------- exhibitors
def _exhibitors(booths: list[dict], n: int, rng: random.Random):
    """Exhibitor rows and (booth, exhibitor) pairs; neighbours' booths go to one exhibitor."""
    mean = max(1.0, len(booths) * 0.97 / n)
    names_seen: set[str] = set()
    rows, occupancy = [], []
    i = 0  # next booth
    order = booths  # rows in reading order inside each hall
    for e in range(n):
        if i < len(order):
            k = 1 if mean <= 1.0 else 1 + min(11, int(rng.expovariate(1.0 / (mean - 1.0))))
            mine = order[i:i + k]
            i += k
        else:  # more exhibitors than booths: co-exhibitors share a booth
            mine = [order[rng.randrange(len(order))]]
        zone = mine[0]["zone"]
        row = _exhibitor_row(e, zone, rng, names_seen)
        rows.append(row)
        occupancy.extend((b["code"], row[0]) for b in mine)
        # Now and then a co-exhibitor joins someone else's booth.
        if len(rows) > 1 and rng.random() < 0.02:
            occupancy.append((mine[0]["code"], rows[rng.randrange(len(rows) - 1)][0]))
    seen = set()
    unique = []
    for pair in occupancy:
        if pair not in seen:
            seen.add(pair)
            unique.append(pair)
    return rows, unique


def _exhibitor_row(e: int, zone: str, rng: random.Random, seen: set[str]):
    city, city_zh = rng.choice(CITIES)
    (s1, z1), (s2, z2) = rng.sample(SYLLABLES, 2)
    ind, ind_zh, ind_py = INDUSTRY[zone]
    suf, suf_zh = rng.choice(SUFFIXES)
    brand = s1 + s2.lower()
    name = f"{city} {brand} {ind} {suf}"
    if name in seen:
        name = f"{city} {brand} {ind} No.{e} {suf}"
    seen.add(name)
    name_zh = f"{city_zh}{z1}{z2}{ind_zh}{suf_zh}"
    pinyin = f"{city.lower()} {s1.lower()} {s2.lower()} {ind_py}"
    country = rng.choice(COUNTRIES)
    zname = next(z[1] for z in ZONES if z[0] == zone)
    summary = (f"Maker of {ind.lower()} products from {city}; exports to "
               f"{rng.randint(5, 120)} countries; {rng.choice(FEATURES)}. Synthetic exhibitor.")
    return (f"{brand.lower()}-{city.lower()}-{e:05d}", name, name_zh, pinyin, country, zname, zone,
            summary)


def _products(ex_rows: list, n: int, rng: random.Random):
    """Yield product rows: ``n`` in all, spread unevenly over the exhibitors."""
    if n <= 0 or not ex_rows:
        return
    weights = [rng.paretovariate(1.6) for _ in ex_rows]
    total = sum(weights)
    counts = [int(n * w / total) for w in weights]
    short = n - sum(counts)
    for j in range(short):
        counts[j % len(counts)] += 1
    tools_by_zone = {z[0]: z[4] for z in ZONES}
    choice, randint, rnd = rng.choice, rng.randint, rng.random
    idx = 0
    for ex, count in zip(ex_rows, counts):
        slug, exname, zone = ex[0], ex[1], ex[6]
        tools = tools_by_zone[zone]
        prefix = "".join(w[0] for w in exname.split()[:2]).upper()
        for _ in range(count):
            idx += 1
            tool, tool_zh, tool_py = choice(tools)
            adj, adj_zh, adj_py = choice(ADJECTIVES)
            mat, mat_zh, mat_py = choice(MATERIALS)
            model = f"{prefix}-{randint(100, 9999)}"
            name = f"{adj} {mat} {tool.title() if tool.islower() else tool} {model}"
            moq = choice((50, 100, 200, 500, 1000, 5000))
            cert = choice(CERTS)
            feat = choice(FEATURES)
            summary = (f"{adj} {tool} in {mat.lower()}, {cert} certified; MOQ {moq} pieces; "
                       f"{feat}.")
            if rnd() < 0.3:
                summary += f" Also sold as {choice(ADJECTIVES)[0].lower()} {tool}."
            specs = (f'{{"model": "{model}", "moq": {moq}, "certification": "{cert}", '
                     f'"price_usd": {randint(1, 900)}.{randint(0, 99):02d}}}')
            yield (f"p{idx:07d}", slug, name, f"{adj_zh}{mat_zh}{tool_zh}",
                   f"{adj_py} {mat_py} {tool_py}", tool, summary, specs)
