"""Generated article pages for the benchmarks: half Chinese, half English, about 30 KB each.

    uv run python -m bench.corpus [--count 20] [--show 0]   # sizes and languages; one page's HTML

The text is written from word and phrase lists and sentence templates of this file, on the
project's domain (urban agglomerations, new infrastructure, regional policy), with a fixed random
seed: the same arguments always give the same bytes. No third-party page is copied. Each article
has a main topic, a region and a handful of sentence patterns of its own, and carries figures,
project and company names, so unrelated articles share few shingles, as real ones do.

Pages are wrapped in one of five site templates shaped like the sites the project watches (a
provincial government portal, a news portal, a think tank with a table layout, an English research
institute and an English news site): navigation, breadcrumbs, inline CSS and scripts, share bars,
related-article lists, metadata in <meta> and JSON-LD, footers with ICP numbers: the chrome the
extractor must leave out. A third of the Chinese pages are GBK with the charset only in <meta>.
One page in twenty republishes an earlier article on another site, with a new headline and a
paragraph dropped, so the dedupe stage meets real duplicates.

CorpusSite serves the pages on loopback, from a process of its own, with ETag / Last-Modified and
304 answers to conditional requests, behind HTML listings, and counts the bytes on its sockets.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import io
import json
import multiprocessing
import random
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.connection import Connection
from types import TracebackType
from typing import Any, Self
from urllib.parse import urlsplit

from demo.site import Page, not_modified

SEED = 20240318
REPUBLISH_EVERY = 20  # page i with i % 20 == 19 republishes an earlier article

# --- vocabulary -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Region:
    zh: str
    en: str
    cities_zh: tuple[str, ...]
    cities_en: tuple[str, ...]


# fmt: off
REGIONS = (
    Region("京津冀", "Beijing-Tianjin-Hebei region",
           ("北京", "天津", "石家庄", "保定", "唐山", "雄安新区"),
           ("Beijing", "Tianjin", "Shijiazhuang", "Baoding", "Tangshan", "Xiong'an")),
    Region("长三角", "Yangtze River Delta", ("上海", "南京", "杭州", "合肥", "苏州", "宁波"),
           ("Shanghai", "Nanjing", "Hangzhou", "Hefei", "Suzhou", "Ningbo")),
    Region("粤港澳大湾区", "Guangdong-Hong Kong-Macao Greater Bay Area",
           ("广州", "深圳", "香港", "澳门", "珠海", "东莞"),
           ("Guangzhou", "Shenzhen", "Hong Kong", "Macao", "Zhuhai", "Dongguan")),
    Region("成渝地区双城经济圈", "Chengdu-Chongqing economic circle",
           ("成都", "重庆", "绵阳", "宜宾"),
           ("Chengdu", "Chongqing", "Mianyang", "Yibin")),
    Region("长江中游城市群", "middle reaches of the Yangtze River",
           ("武汉", "长沙", "南昌", "宜昌"),
           ("Wuhan", "Changsha", "Nanchang", "Yichang")),
    Region("山东半岛城市群", "Shandong Peninsula", ("济南", "青岛", "烟台", "潍坊"),
           ("Jinan", "Qingdao", "Yantai", "Weifang")),
    Region("粤闽浙沿海城市群", "Guangdong-Fujian-Zhejiang coastal urban agglomeration",
           ("福州", "厦门", "泉州", "温州", "汕头"),
           ("Fuzhou", "Xiamen", "Quanzhou", "Wenzhou", "Shantou")),
    Region("中原城市群", "Central Plains urban agglomeration", ("郑州", "洛阳", "开封", "许昌"),
           ("Zhengzhou", "Luoyang", "Kaifeng", "Xuchang")),
    Region("关中平原城市群", "Guanzhong Plain urban agglomeration",
           ("西安", "宝鸡", "咸阳", "渭南"),
           ("Xi'an", "Baoji", "Xianyang", "Weinan")),
    Region("北部湾城市群", "Beibu Gulf urban agglomeration",
           ("南宁", "北海", "钦州", "湛江", "海口"),
           ("Nanning", "Beihai", "Qinzhou", "Zhanjiang", "Haikou")),
    Region("哈长城市群", "Harbin-Changchun urban agglomeration", ("哈尔滨", "长春", "吉林", "大庆"),
           ("Harbin", "Changchun", "Jilin", "Daqing")),
    Region("辽中南城市群", "central-southern Liaoning urban agglomeration",
           ("沈阳", "大连", "鞍山", "营口"), ("Shenyang", "Dalian", "Anshan", "Yingkou")),
    Region("山西中部城市群", "central Shanxi urban agglomeration", ("太原", "晋中", "忻州", "吕梁"),
           ("Taiyuan", "Jinzhong", "Xinzhou", "Lvliang")),
    Region("黔中城市群", "central Guizhou urban agglomeration", ("贵阳", "遵义", "安顺"),
           ("Guiyang", "Zunyi", "Anshun")),
    Region("滇中城市群", "central Yunnan urban agglomeration", ("昆明", "曲靖", "玉溪", "楚雄"),
           ("Kunming", "Qujing", "Yuxi", "Chuxiong")),
    Region("呼包鄂榆城市群", "Hohhot-Baotou-Ordos-Yulin urban agglomeration",
           ("呼和浩特", "包头", "鄂尔多斯", "榆林"), ("Hohhot", "Baotou", "Ordos", "Yulin")),
    Region("兰州—西宁城市群", "Lanzhou-Xining urban agglomeration",
           ("兰州", "西宁", "白银", "海东"),
           ("Lanzhou", "Xining", "Baiyin", "Haidong")),
    Region("宁夏沿黄城市群", "Ningxia Yellow River urban agglomeration",
           ("银川", "石嘴山", "吴忠", "中卫"), ("Yinchuan", "Shizuishan", "Wuzhong", "Zhongwei")),
    Region("天山北坡城市群", "northern slope of the Tianshan Mountains",
           ("乌鲁木齐", "昌吉", "石河子", "克拉玛依"), ("Urumqi", "Changji", "Shihezi", "Karamay")),
)


@dataclass(frozen=True, slots=True)
class Topic:
    zh_name: str
    en_name: str
    zh_nouns: tuple[str, ...]
    en_nouns: tuple[str, ...]


TOPICS = (
    Topic("新型基础设施", "new infrastructure",
          ("新型基础设施", "5G基站", "数据中心", "算力枢纽节点", "工业互联网标识解析节点",
           "充电桩", "城际高速铁路", "特高压输电通道", "千兆光网", "智慧路网",
           "人工智能计算中心", "新基建项目"),
          ("new infrastructure", "5G base stations", "data centres", "computing hubs",
           "the industrial internet", "charging networks", "intercity high-speed rail",
           "ultra-high-voltage lines", "gigabit fibre networks", "smart road networks",
           "AI computing centres", "new infrastructure projects")),
    Topic("科技创新", "innovation",
          ("科技创新", "协同创新共同体", "科创走廊", "重点实验室", "科技成果转化", "创新联合体",
           "大科学装置", "孵化器", "研发投入强度", "高新技术企业", "创新券", "技术交易市场"),
          ("innovation", "collaborative innovation communities", "science and technology corridors",
           "key laboratories", "technology transfer", "innovation consortia",
           "large research facilities", "incubators", "R&D intensity", "high-tech enterprises",
           "innovation vouchers", "technology markets")),
    Topic("碳达峰碳中和", "carbon neutrality",
          ("碳达峰", "碳中和", "绿色低碳转型", "清洁能源", "碳排放权交易", "节能降碳", "光伏发电",
           "海上风电", "近零碳园区", "绿色建筑", "氢能产业", "能耗双控"),
          ("carbon peaking", "carbon neutrality", "the low-carbon transition", "clean energy",
           "emissions trading", "energy saving", "solar power", "offshore wind",
           "near-zero-carbon parks", "green buildings", "hydrogen industry", "energy intensity")),
    Topic("新型城镇化", "urbanization",
          ("新型城镇化", "农业转移人口市民化", "县城补短板", "城市更新", "户籍制度改革",
           "保障性租赁住房", "老旧小区改造", "城乡融合发展", "常住人口城镇化率", "都市圈",
           "小城镇", "城市体检"),
          ("new urbanization", "the settlement of rural migrants", "county towns", "urban renewal",
           "hukou reform", "affordable rental housing", "the renovation of old residential areas",
           "urban-rural integration", "the urbanisation rate", "metropolitan areas",
           "small towns", "city health checks")),
    Topic("双循环", "dual circulation",
          ("双循环", "国内大循环", "全国统一大市场", "扩大内需", "消费升级", "跨境贸易",
           "自由贸易试验区", "中欧班列", "内陆开放高地", "供应链", "要素市场化配置", "营商环境"),
          ("dual circulation", "the domestic cycle", "the unified national market",
           "domestic demand", "consumption upgrading", "cross-border trade",
           "pilot free trade zones",
           "China-Europe freight trains", "inland opening-up", "supply chains",
           "factor markets", "the business environment")),
    Topic("共同富裕", "common prosperity",
          ("共同富裕", "基本公共服务均等化", "收入分配", "社会保障", "教育资源共享", "医疗联合体",
           "养老服务", "异地就医结算", "就业创业", "乡村振兴", "对口协作", "中等收入群体"),
          ("common prosperity", "equal access to public services", "income distribution",
           "social security", "shared schooling", "hospital alliances", "elderly care",
           "cross-region medical settlement", "employment", "rural revitalisation",
           "paired assistance", "the middle-income group")),
    Topic("国土空间规划", "governance and planning",
          ("国土空间规划", "区域协调机制", "跨区域治理", "规划纲要", "联席会议制度", "生态保护红线",
           "城镇开发边界", "一体化示范区", "行政审批互认", "跨省通办", "政策协同", "考核评价"),
          ("territorial spatial planning", "regional coordination mechanisms",
           "cross-boundary governance", "the development outline", "joint conferences",
           "ecological red lines", "urban growth boundaries", "integration demonstration zones",
           "mutual recognition of approvals", "cross-province services", "policy coordination",
           "performance evaluation")),
    Topic("生态保护", "ecological protection",
          ("生态保护", "生态廊道", "流域综合治理", "大气污染联防联控", "湿地保护", "生态补偿",
           "水环境治理", "国家公园", "水土保持", "森林覆盖率", "河湖长制", "生物多样性"),
          ("ecological protection", "ecological corridors", "river basin management",
           "joint air pollution control", "wetland protection", "eco-compensation",
           "water quality", "national parks", "soil conservation", "forest cover",
           "the river chief system", "biodiversity")),
    Topic("交通互联互通", "transport connectivity",
          ("交通互联互通", "轨道上的城市群", "市域（郊）铁路", "综合交通枢纽", "世界级港口群",
           "机场群", "高速公路网", "多式联运", "通勤圈", "公交一体化", "城际客运", "物流枢纽"),
          ("transport connectivity", "rail-linked city clusters", "suburban railways",
           "transport hubs", "world-class port clusters", "airport clusters", "expressway networks",
           "multimodal transport", "commuting zones", "integrated bus services",
           "intercity passenger services", "logistics hubs")),
    Topic("高质量发展", "high-quality development",
          ("高质量发展", "现代化产业体系", "先进制造业集群", "产业链协同", "数字经济",
           "战略性新兴产业",
           "专精特新企业", "产业转移", "园区共建", "总部经济", "现代服务业", "品牌建设"),
          ("high-quality development", "a modern industrial system",
           "advanced manufacturing clusters", "industrial chain coordination",
           "the digital economy",
           "strategic emerging industries", "specialised SMEs", "industrial relocation",
           "jointly built parks", "headquarters economy", "modern services", "brand building")),
)

ZH_ORGS = (
    "国家发展改革委", "住房和城乡建设部", "自然资源部", "交通运输部", "工业和信息化部",
    "生态环境部",
    "省发展改革委", "市人民政府", "省科技厅", "市规划和自然资源局", "区域发展研究院",
    "城市发展研究中心", "地理科学与资源研究所", "发展研究基金会", "经济研究院", "统计局",
)
EN_ORGS = (
    "the National Development and Reform Commission", "the Ministry of Housing and Urban-Rural "
    "Development", "the Ministry of Natural Resources", "the Ministry of Transport",
    "the Ministry of Industry and Information Technology", "the provincial development commission",
    "the municipal government", "the Institute of Regional Development",
    "the Centre for Urban Studies", "the Institute of Geographic Sciences",
    "the Development Research Foundation", "the statistics bureau",
)
ZH_VERBS = (
    "加快推进", "统筹推进", "深入实施", "持续完善", "着力优化", "积极培育", "大力发展", "全面提升",
    "协同推动", "系统谋划", "稳步推进", "探索建立", "加快构建", "支持建设", "鼓励发展",
    "高标准打造",
)
ZH_MODIFIERS = (
    "跨区域", "一体化", "高水平", "数字化", "智能化", "绿色低碳", "城际", "现代化", "区域性",
    "多层次", "全链条", "集约高效", "安全韧性", "开放共享", "普惠", "市场化",
)
ZH_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘"
ZH_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰海峰文斌晓东宇辉鹏飞"
ZH_BRAND = "天华中科金鼎瑞恒泰安信达宏远新航博创联智云通汇银星光盛源德润隆兴嘉"
ZH_PLACE = "东西南北青龙凤凰云山湖河港湾川桥岭溪滨江海月明光金银松柏"
EN_FIRST = ("Li", "Wang", "Zhang", "Liu", "Chen", "Yang", "Zhao", "Huang", "Zhou", "Wu", "Xu",
            "Sun", "Hu", "Zhu", "Gao", "Lin", "He", "Guo", "Ma", "Luo")
EN_GIVEN = ("Wei", "Fang", "Min", "Jing", "Lei", "Jun", "Yang", "Jie", "Tao", "Ming", "Chao",
            "Xia", "Ping", "Gang", "Hua", "Jianguo", "Hong", "Yu", "Hui", "Peng", "Sarah", "David",
            "Anna", "Thomas", "Maria", "James", "Laura", "Daniel")
EN_SYLLABLES = ("tian", "hua", "zhong", "ke", "jin", "ding", "rui", "heng", "tai", "xin", "da",
                "hong", "yuan", "hang", "bo", "chuang", "lian", "zhi", "yun", "tong",
                "xing")

ZH_PATTERNS = (
    "{year}年以来，{city}{verb}{topic}，累计完成投资{money}亿元，同比增长{pct}%。",
    "据{org}介绍，{region}已建成{noun}{count}个，覆盖{city}、{city2}等{small}个城市。",
    "{city}{verb}{mod}{noun}，{company}承建的{project}项目预计{year2}年{month}月建成投用。",
    "在{city}{project}现场，{count}余名建设者正加紧施工，{noun}的主体工程已完成{pct}%。",
    "{person}表示，下一步将以{topic}为牵引，{verb}{mod}{noun2}，推动{city}与{city2}错位发展。",
    "数据显示，{year}年{region}{noun}规模达到{money}亿元，占全国的比重提高到{pct}%。",
    "{org}印发的实施方案提出，到{year2}年，{region}{noun}要实现{mod}布局，{noun2}水平明显提升。",
    "目前，{city}与{city2}共建{project}，两地{noun}实现互认互通，企业办事时间缩短{pct}%。",
    "{company}负责人{person}说，公司今年在{city}新增{noun}投资{money}亿元，带动就业{count}人。",
    "专家指出，{topic}是{region}{noun2}的重要支撑，要避免各城市同质竞争和重复建设。",
    "{month}月{day}日，{org}在{city}召开{topic}推进会，{small}个城市签署{noun}合作协议。",
    "从{year}年到{year2}年，{city}{noun}年均增长{pct}%，{noun2}对经济增长的贡献率超过{small}成。",
    "{city}{place}片区规划面积{area}平方公里，将重点布局{noun}和{noun2}，打造{mod}示范区。",
    "调研发现，{region}部分县城{noun}仍存在短板，{count}个乡镇尚未实现{noun2}全覆盖。",
    "{person}认为，{region}要把{topic}和{noun2}结合起来，在体制机制上率先突破。",
    "按照规划，{city}至{city2}的{project}全长{area}公里，设计时速{speed}公里，"
    "建成后两地通勤时间缩短至{small}分钟。",
    "截至{month}月底，{city}{noun}累计达到{count}个，{noun2}项目开工{small}个，"
    "完成年度计划的{pct}%。",
    "{org}发布的报告显示，{region}{topic}指数为{index}，较上年提高{small}个百分点，位居全国前列。",
    "{city}出台{small}条措施支持{noun}，对新落户的{company}等企业给予最高{money}万元奖励。",
    "围绕{noun}，{city}和{city2}联合设立{money}亿元产业基金，首批投向{count}个{noun2}项目。",
    "{person}在接受记者采访时说，{noun}不是简单的项目堆砌，关键在于{mod}运营和{noun2}的协同。",
    "当天，{city}{place}{noun}正式投入运营，可服务周边{count}万人口，年处理能力{money}万吨。",
    "{region}{small}省市{verb}{noun}，建立{noun2}信息共享平台，已归集数据{count}万条。",
    "根据测算，{noun}每投入1亿元，可带动{region}相关产业产出{index}亿元，拉动就业约{count}人。",
    "{city}{place}街道把{noun}纳入民生实事清单，今年已解决群众反映的问题{count}件。",
    "走进{company}的生产车间，{count}台设备连成一张网，{noun2}让产品交付周期缩短了{pct}%。",
    "“过去跑{city2}要{small}个小时，现在{small}十分钟就到了。”在{city}工作的{person}说。",
    "{region}各地还存在标准不统一、数据不互通的问题，{noun}的跨市协调仍需加强。",
    "此次签约的{count}个项目总投资{money}亿元，涵盖{noun}、{noun2}等领域。",
    "{org}有关负责人介绍，{year2}年前将在{city}布局{small}个{noun}，形成{mod}网络。",
    "{city}今年计划实施{noun}重点项目{count}个，其中新开工{small}个，年度投资{money}亿元。",
    "在{place}湖畔，一座{mod}{noun}已初具规模，预计可吸纳{count}名技术人员。",
    "{person}提醒，推进{topic}要量力而行，防止地方债务风险在{region}累积。",
    "{city}与{city2}之间的{noun}日均服务量超过{count}人次，比{year}年翻了一番。",
    "评估报告建议，{region}应在{noun2}领域建立成本共担、利益共享的机制。",
    "{month}月以来，{city}共受理{noun}相关业务{count}件，办结率达到{pct}%。",
)
EN_PATTERNS = (
    "Since {year}, {city} has invested {money} billion yuan in {noun}, up {pct} percent a year.",
    "According to {org}, the {region} now has {count} {noun} spread across {small} cities.",
    "{company}, which is building the {project} in {city}, expects to finish it by "
    "{month_en} {year2}.",
    "{person} said the next step would use {topic} to drive {noun2}, so that {city} and {city2} "
    "specialise rather than compete.",
    "Figures released in {month_en} show the {region} spent {money} billion yuan on {noun} in "
    "{year}, {pct} percent of the national total.",
    "An implementation plan issued by {org} sets {year2} as the year by which {noun} in the "
    "{region} should be fully networked.",
    "{city} and {city2} now recognise each other's approvals for {noun}, cutting the time firms "
    "spend on paperwork by {pct} percent.",
    "Experts warn that {topic} in the {region} will falter if every city builds the same {noun2}.",
    "On {month_en} {day}, {org} convened a meeting in {city} where {small} cities signed "
    "agreements on {noun}.",
    "Between {year} and {year2}, {noun} in {city} grew by {pct} percent a year and now accounts "
    "for about {small}0 percent of growth.",
    "The {place} district of {city}, {area} square kilometres in size, is reserved for {noun} and "
    "{noun2}.",
    "Field surveys found that {count} townships in the {region} still lack {noun2}.",
    "{person} argued that the {region} should tie {topic} to {noun2} and reform its institutions "
    "first.",
    "The {project} between {city} and {city2} will run {area} kilometres at {speed} kilometres per "
    "hour, bringing commutes down to {small}0 minutes.",
    "By the end of {month_en}, {city} counted {count} {noun}, and {small} projects on {noun2} had "
    "broken ground.",
    "A report by {org} puts the {region}'s {topic} index at {index}, {small} points higher than a "
    "year earlier.",
    "{city} has announced {small} measures to attract {noun}, offering firms such as {company} up "
    "to {money} million yuan.",
    "{city} and {city2} have set up a joint fund of {money} billion yuan; its first {count} "
    "investments went to {noun2}.",
    "{person} told reporters that {noun} are not a pile of projects: what matters is how they are "
    "run together with {noun2}.",
    "The new {noun} in {place}, {city}, opened this week and will serve {count} thousand "
    "residents.",
    "Officials in {small} provinces of the {region} now share data on {noun2} through one platform "
    "holding {count} thousand records.",
    "Each 100 million yuan spent on {noun} is estimated to generate {index} yuan of output across "
    "the {region}.",
    "Researchers at {org} compared {noun} in the {region} with metropolitan regions in Europe and "
    "Japan and found {noun2} to be the main gap.",
    "Local officials in {city} say demand for {noun2} has outpaced supply for {small} years "
    "running.",
    "Residents of {place} in {city} now reach {city2} in {small}0 minutes instead of {small} "
    "hours.",
    "Inside a {company} plant, {count} machines are linked into one network, and {noun2} has cut "
    "delivery times by {pct} percent.",
    "Standards still differ from city to city across the {region}, and data on {noun} rarely "
    "crosses municipal boundaries.",
    "The {count} projects signed this week are worth {money} billion yuan and cover {noun} as well "
    "as {noun2}.",
    "Planners in {city} expect {small} new {noun} to be running before {year2}.",
    "This year {city} plans {count} projects on {noun}, {small} of them new starts, with {money} "
    "billion yuan budgeted.",
    "On the shore of {place} lake a cluster of {noun} is taking shape that could employ {count} "
    "engineers.",
    "{person} cautioned that {topic} must not pile up local government debt in the {region}.",
    "Daily use of {noun} between {city} and {city2} now exceeds {count} trips, double the {year} "
    "level.",
    "The evaluation recommends that the {region} share both the costs and the gains of {noun2}.",
    "Since {month_en}, officials in {city} have handled {count} applications related to {noun}.",
    "Survey respondents in {city} ranked {noun2} ahead of housing among their concerns for "
    "{year2}.",
)
ZH_HEADLINES = (
    "{region}{topic}取得新进展",
    "{city}：{verb}{noun}建设",
    "{org}发布《{region}{topic}发展报告（{year}）》",
    "以{topic}引领{region}高质量发展",
    "{year}年{region}{noun}投资超{money}亿元",
    "{city}{city2}携手共建{project}",
    "专家热议{region}{topic}：{verb}{noun2}",
    "{region}{noun}建设按下“加速键”",
)
EN_HEADLINES = (
    "{Region} Steps Up Work on {Topic}",
    "Report by {Org}: {Topic} in the {region}",
    "How {Noun} Are Reshaping the {region}",
    "{city} and {city2} Team Up on the {project}",
    "{Region} Invests {money} Billion Yuan in {Noun}",
    "Experts Debate {Topic} in the {region}",
    "{city} Bets on {Noun} for High-Quality Growth",
    "Seminar Reviews {Topic} Across the {region}",
)
ZH_PROJECTS = ("城际铁路", "数据中心集群", "科创园", "产业园", "综合管廊", "智慧港口",
               "绿色能源基地", "物流枢纽", "创新中心", "示范区")
EN_PROJECTS = ("intercity railway", "data centre cluster", "science park", "industrial park",
               "utility tunnel", "smart port", "green energy base", "logistics hub",
               "innovation centre", "demonstration zone")
EN_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")
# fmt: on


# --- articles ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Article:
    """The content of one article, before any site wraps it."""

    language: str
    title: str
    paragraphs: tuple[str, ...]
    author: str
    published: dt.datetime
    region: Region
    topic: Topic


class _Slots:
    """Random fillers for one article's templates: its region, topics, places and figures."""

    def __init__(self, rng: random.Random, language: str, region: Region, topic: Topic) -> None:
        self.rng, self.language, self.region, self.topic = rng, language, region, topic
        self.second = rng.choice(TOPICS)
        zh = language == "zh"
        self.cities = region.cities_zh if zh else region.cities_en
        self.people = [self._person() for _ in range(3)]
        self.companies = [self._company() for _ in range(2)]
        self.places = [self._place() for _ in range(2)]

    def _person(self) -> str:
        rng = self.rng
        if self.language == "zh":
            role = rng.choice(("研究员", "副主任", "教授", "负责人", "副局长", "首席专家"))
            return rng.choice(ZH_SURNAMES) + "".join(rng.choices(ZH_GIVEN, k=2)) + role
        name = f"{rng.choice(EN_GIVEN)} {rng.choice(EN_FIRST)}"
        return f"{name}, {rng.choice(('a researcher', 'a professor', 'deputy director'))} at " + (
            rng.choice(EN_ORGS).removeprefix("the ")
        )

    def _company(self) -> str:
        rng = self.rng
        if self.language == "zh":
            kind = rng.choice(("科技有限公司", "集团", "建设投资有限公司", "数据科技公司"))
            return "".join(rng.choices(ZH_BRAND, k=2)) + kind
        brand = "".join(rng.choices(EN_SYLLABLES, k=2)).capitalize()
        return f"{brand} {rng.choice(('Technology', 'Group', 'Construction', 'Data'))}"

    def _place(self) -> str:
        if self.language == "zh":
            return "".join(self.rng.choices(ZH_PLACE, k=2))
        return "".join(self.rng.choices(EN_SYLLABLES, k=2)).capitalize()

    def values(self) -> dict[str, str]:
        rng, zh = self.rng, self.language == "zh"
        nouns = self.topic.zh_nouns if zh else self.topic.en_nouns
        others = self.second.zh_nouns if zh else self.second.en_nouns
        city, city2 = rng.sample(self.cities, 2)
        year = rng.randint(2016, 2023)
        noun = rng.choice(nouns)
        project = rng.choice(ZH_PROJECTS if zh else EN_PROJECTS)
        return {
            "city": city,
            "city2": city2,
            "region": self.region.zh if zh else self.region.en,
            "Region": self.region.zh if zh else self.region.en[0].upper() + self.region.en[1:],
            "topic": self.topic.zh_name if zh else self.topic.en_name,
            "Topic": self.topic.en_name.title(),
            "noun": noun,
            "Noun": noun.title(),
            "noun2": rng.choice(others),
            "verb": rng.choice(ZH_VERBS),
            "mod": rng.choice(ZH_MODIFIERS),
            "org": rng.choice(ZH_ORGS if zh else EN_ORGS),
            "Org": rng.choice(EN_ORGS).removeprefix("the "),
            "person": rng.choice(self.people),
            "company": rng.choice(self.companies),
            "place": rng.choice(self.places),
            "project": city[:2] + project if zh else f"{city} {project}",
            "year": str(year),
            "year2": str(year + rng.randint(2, 8)),
            "month": str(rng.randint(1, 12)),
            "month_en": rng.choice(EN_MONTHS),
            "day": str(rng.randint(1, 28)),
            "money": f"{rng.randint(3, 4800) / 10:g}",
            "pct": f"{rng.randint(5, 480) / 10:g}",
            "count": str(rng.randint(12, 9800)),
            "small": str(rng.randint(2, 9)),
            "area": str(rng.randint(8, 460)),
            "speed": str(rng.choice((160, 200, 250, 350))),
            "index": f"{rng.randint(110, 990) / 100:.2f}",
        }


def make_article(rng: random.Random, language: str, size: int) -> Article:
    """One article of about `size` characters of body text."""
    region, topic = rng.choice(REGIONS), rng.choice(TOPICS)
    slots = _Slots(rng, language, region, topic)
    patterns = rng.sample(ZH_PATTERNS if language == "zh" else EN_PATTERNS, 10)
    glue = "" if language == "zh" else " "
    paragraphs: list[str] = []
    length = 0
    while length < size:
        count = rng.randint(2, 5)
        paragraph = glue.join(p.format(**slots.values()) for p in rng.sample(patterns, count))
        paragraphs.append(paragraph)
        length += len(paragraph)
    heads = ZH_HEADLINES if language == "zh" else EN_HEADLINES
    title = rng.choice(heads).format(**slots.values())
    published = dt.datetime(2023, 1, 1, 8) + dt.timedelta(
        days=rng.randrange(720), minutes=rng.randrange(600)
    )
    author = slots.people[0].split(",")[0] if language == "en" else slots.people[0][:3]
    return Article(language, title, tuple(paragraphs), author, published, region, topic)


def republish(rng: random.Random, original: Article) -> Article:
    """The same article as another site runs it: a new headline, one paragraph dropped."""
    kept = list(original.paragraphs)
    if len(kept) > 3:
        del kept[rng.randrange(1, len(kept) - 1)]
    zh = original.language == "zh"
    prefix = rng.choice(("转载：", "【关注】", "聚焦：")) if zh else "Reprint: "
    return Article(
        original.language,
        prefix + original.title,
        tuple(kept),
        original.author,
        original.published + dt.timedelta(days=rng.randint(0, 3), hours=rng.randint(1, 9)),
        original.region,
        original.topic,
    )


# --- sites --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ArticlePage:
    """One page as a site serves it."""

    path: str
    body: bytes
    content_type: str  # the Content-Type header (may lack the charset the page's <meta> declares)
    language: str
    title: str
    published: dt.date
    site: str
    republishes: int | None = None  # the index of the page whose article this one republishes


@dataclass(frozen=True, slots=True)
class _Site:
    name: str
    language: str
    render: Callable[[random.Random, Article, str], str]
    path: Callable[[Article, int], str]


# fmt: off
CSS_PROPS = ("margin:0 auto", "padding:4px 10px", "color:#333", "font-size:14px",
             "line-height:1.8", "border-bottom:1px solid #e5e5e5", "background:#f7f7f7",
             "float:left", "display:block", "text-align:center", "overflow:hidden",
             "width:1200px", "height:36px", "font-family:Microsoft YaHei,SimSun,sans-serif")
CSS_PARTS = ("header", "nav", "menu", "main", "side", "list", "item", "title", "info", "foot",
             "share", "tool", "banner", "search", "crumb", "hot", "rank", "tab")
ZH_GOV_NAV = ("首页", "机构概况", "政务公开", "政策文件", "政策解读", "新闻动态", "通知公告",
              "规划计划", "统计信息", "专题专栏", "互动交流", "办事服务", "政府信息公开指南",
              "依申请公开")
ZH_PORTAL_NAV = ("首页", "时政", "国际", "财经", "地方", "区域", "城市", "产业", "科技", "能源",
                 "环境", "交通", "房产", "教育", "健康", "文化", "体育", "图片", "视频", "专题",
                 "评论", "数据", "英文", "客户端")
ZH_PORTAL_FOOT = ("关于我们", "广告服务", "联系我们", "招聘信息", "网站地图", "法律声明",
                  "违法和不良信息举报")
ZH_THINKTANK_NAV = ("本院首页", "本院概况", "研究成果", "学术活动", "专家学者", "合作交流",
                    "人才招聘", "联系我们")
EN_NAV = ("Home", "About", "Research", "Publications", "Events", "News", "Experts", "Projects",
          "Data", "Multimedia", "Newsletter", "Contact")
EN_NEWS_NAV = ("World", "China", "Business", "Regions", "Cities", "Tech", "Climate", "Opinion",
               "Video", "Photos", "Podcasts", "Newsletters")
EN_FOOT = ("About us", "Careers", "Contact", "Privacy", "Terms of use", "Accessibility")
# fmt: on


def _css(rng: random.Random, prefix: str, rules: int) -> str:
    """Inline CSS of the size CMS templates carry."""
    lines = []
    for number in range(rules):
        tag = rng.choice(("a", "li", "span", "p"))
        selector = f".{prefix}-{rng.choice(CSS_PARTS)}-{number} {tag}"
        lines.append(f"{selector}{{{';'.join(rng.sample(CSS_PROPS, 4))}}}")
    return "\n".join(lines)


def _script(rng: random.Random, site: str) -> str:
    token = "".join(rng.choices("0123456789abcdef", k=32))
    ads = [{"slot": f"ad-{n}", "size": rng.choice(("300x250", "728x90"))} for n in range(6)]
    config = {"site": site, "channel": rng.randint(100, 999), "token": token, "ads": ads}
    return (
        "var _hmt = _hmt || [];(function(){var hm = document.createElement('script');"
        f"hm.src = 'https://stats.example.com/hm.js?{token}';"
        "var s = document.getElementsByTagName('script')[0];"
        "s.parentNode.insertBefore(hm, s);})();\n"
        f"window.__SITE_CONFIG__ = {json.dumps(config)};\n"
        "function setFont(size){document.getElementById('zoom').style.fontSize=size+'px';}\n"
        "function printPage(){window.print();}\n"
    )


def _head(rng: random.Random, site: str, prefix: str, rules: int) -> str:
    """The <style> and <script> blocks every template carries."""
    return f"<style>\n{_css(rng, prefix, rules)}\n</style>\n<script>{_script(rng, site)}</script>"


def _headline_list(rng: random.Random, language: str, count: int, base: str) -> str:
    items = []
    for number in range(count):
        title = html.escape(make_title(rng, language))
        href = f"{base}{rng.randint(10000, 99999)}.html"
        day = f"2024-{number % 12 + 1:02d}-{rng.randint(1, 28):02d}"
        items.append(f'<li><a href="{href}">{title}</a><span class="date">{day}</span></li>')
    return "\n".join(items)


def make_title(rng: random.Random, language: str) -> str:
    """A headline for link lists (related articles, most read)."""
    region, topic = rng.choice(REGIONS), rng.choice(TOPICS)
    slots = _Slots(rng, language, region, topic)
    return rng.choice(ZH_HEADLINES if language == "zh" else EN_HEADLINES).format(**slots.values())


def _nav(items: Sequence[str], href: str = "/channel/") -> str:
    return "".join(f'<li><a href="{href}{n}/">{item}</a></li>' for n, item in enumerate(items))


def _links(items: Sequence[str], sep: str = " ") -> str:
    return sep.join(f'<a href="/l{n}/">{item}</a>' for n, item in enumerate(items))


def _digits(rng: random.Random, count: int) -> str:
    return str(rng.randrange(10 ** (count - 1), 10**count))


def _render_zh_gov(rng: random.Random, a: Article, charset: str) -> str:
    when = a.published.strftime("%Y-%m-%d %H:%M")
    title, site = html.escape(a.title), f"{a.region.zh}发展和改革委员会"
    body = "\n".join(f'<p style="text-indent:2em;">{html.escape(p)}</p>' for p in a.paragraphs)
    font = "".join(
        f'<a href="javascript:setFont({size})">{label}</a>'
        for size, label in ((18, "大"), (16, "中"), (14, "小"))
    )
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head>
<meta http-equiv="Content-Type" content="text/html; charset={charset}">
<meta name="SiteName" content="{site}">
<meta name="ArticleTitle" content="{title}">
<meta name="PubDate" content="{when}">
<meta name="ContentSource" content="规划处">
<meta name="Keywords" content="{a.region.zh},{a.topic.zh_name}">
<title>{title}_{site}</title>
{_head(rng, "gov", "gov", 130)}
</head><body>
<div class="gov-top"><span>欢迎访问{site}门户网站</span>
{_links(("无障碍", "English", "手机版"), " | ")}</div>
<div class="gov-header"><div class="logo"><img src="/images/logo.png" alt="logo"></div>
<form action="/search/" class="gov-search"><input name="q" placeholder="请输入关键词">
<button>搜索</button></form></div>
<ul class="gov-nav">{_nav(ZH_GOV_NAV)}</ul>
<div class="gov-crumb">当前位置：<a href="/">首页</a> &gt; <a href="/xwdt/">新闻动态</a>
&gt; <a href="/xwdt/gzdt/">工作动态</a></div>
<div class="gov-main">
<div class="gov-title"><h1>{title}</h1></div>
<div class="gov-info">发布时间：{when}　来源：规划处　浏览次数：{rng.randint(100, 9000)}
【字体：{font}】【<a href="javascript:printPage()">打印本页</a>】
【<a href="javascript:window.close()">关闭窗口</a>】</div>
<div class="TRS_Editor" id="zoom">
{body}
</div>
<div class="gov-attach">附件：<a href="/files/{_digits(rng, 4)}.pdf">相关材料.pdf</a></div>
<div class="gov-share">分享到：{_links(("微信", "微博", "QQ空间"))}</div>
<div class="gov-related"><h3>相关链接</h3><ul>
{_headline_list(rng, "zh", 8, "/xwdt/gzdt/t2024_")}
</ul></div></div>
<div class="gov-footer"><ul class="links">{_nav(ZH_GOV_NAV[:8], "/footer/")}</ul>
<p>主办单位：{site}　承办单位：信息中心</p>
<p>网站标识码：{_digits(rng, 10)}
<a href="https://beian.miit.gov.cn/">京ICP备{_digits(rng, 8)}号</a>
京公网安备 {_digits(rng, 14)}号</p>
<p>地址：{a.region.cities_zh[0]}市人民路{rng.randint(1, 300)}号　邮编：{_digits(rng, 6)}
联系电话：010-{_digits(rng, 8)}</p></div>
</body></html>"""


def _render_zh_portal(rng: random.Random, a: Article, charset: str) -> str:
    when = a.published.strftime("%Y-%m-%d %H:%M:%S")
    title, author = html.escape(a.title), html.escape(a.author)
    editor = rng.choice(ZH_SURNAMES) + "".join(rng.choices(ZH_GIVEN, k=2))
    caption = f"图为{a.region.cities_zh[0]}某项目建设现场。记者 {author} 摄"
    figure = (
        f'<div class="pic"><img src="/img/{_digits(rng, 9)}.jpg" alt="">\n'
        f'<p class="pic-caption">{caption}</p></div>'
    )
    paragraphs = [f"<p>{html.escape(p)}</p>" for p in a.paragraphs]
    paragraphs.insert(len(paragraphs) // 2, figure)
    body = "\n".join(paragraphs)
    info = (
        f'<span class="time">{when}</span> <span class="source">来源：城市网</span>\n'
        f'<span class="author">作者：记者 {author}</span>'
    )
    return f"""<!DOCTYPE html>
<html><head><meta charset="{charset}">
<title>{title}-新闻频道-城市网</title>
<meta name="keywords" content="{a.topic.zh_name},{a.region.zh}">
<meta name="description" content="{html.escape(a.paragraphs[0][:80])}">
<meta property="og:title" content="{title}">
<meta name="publishdate" content="{a.published:%Y-%m-%d}">
<meta name="source" content="城市网">
{_head(rng, "portal", "news", 140)}
</head><body>
<div class="news-topbar">{_links(("城市网首页", "登录", "注册", "下载客户端"))}</div>
<ul class="news-nav">{_nav(ZH_PORTAL_NAV)}</ul>
<div class="news-crumb"><a href="/">城市网</a> &gt;&gt; <a href="/region/">区域</a>
&gt;&gt; 正文</div>
<div class="news-main"><div class="news-left">
<h1 class="news-title">{title}</h1>
<div class="news-info">{info}</div>
<div class="news-content" id="zoom">
{body}
</div>
<div class="news-editor">【责任编辑：{editor}】</div>
<div class="news-share">分享到：{_links(("微信", "微博", "复制链接"))}</div>
<div class="news-related"><h3>相关新闻</h3><ul>
{_headline_list(rng, "zh", 10, "/content/2024/content_")}
</ul></div></div>
<div class="news-right"><h3>热点排行</h3><ol>
{_headline_list(rng, "zh", 10, "/content/2024/content_")}
</ol><h3>图片新闻</h3><ul>
{_headline_list(rng, "zh", 6, "/photo/2024/content_")}
</ul></div></div>
<div class="news-footer"><ul>{_nav(ZH_PORTAL_FOOT, "/about/")}</ul>
<p>Copyright © 2003-2024 城市网 版权所有
互联网新闻信息服务许可证：{_digits(rng, 11)}</p>
<p>京ICP证{_digits(rng, 6)}号　京公网安备{_digits(rng, 14)}号</p></div>
</body></html>"""


def _render_zh_thinktank(rng: random.Random, a: Article, charset: str) -> str:
    """An older CMS: the whole page is layout tables."""
    title, author = html.escape(a.title), html.escape(a.author)
    paragraphs = "".join(f"<p>　　{html.escape(p)}</p>\n" for p in a.paragraphs)
    side = _headline_list(rng, "zh", 12, "/yjcg/t_")
    table = '<table width="1000" border="0" align="center" cellpadding="0" cellspacing="0">'
    inner = '<table width="100%" border="0" cellpadding="0" cellspacing="0">'
    clicks = rng.randint(50, 5000)
    info = f"作者：{author}　　发布日期：{a.published:%Y年%m月%d日}　　点击数：{clicks}"
    address = f"{a.region.cities_zh[0]}市{rng.choice(ZH_PLACE)}华路{rng.randint(1, 99)}号"
    return f"""<html><head>
<meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>{title}--区域发展研究院</title>
<meta name="author" content="{author}">
{_head(rng, "thinktank", "tt", 120)}
</head><body>
{table}
<tr><td><img src="/images/banner.jpg" width="1000" height="120"></td></tr>
<tr><td class="menu">{_links(ZH_THINKTANK_NAV, " | ")}</td></tr>
</table>
{table}<tr>
<td width="240" valign="top" class="side">
<table width="100%"><tr><td class="sidetitle">研究成果</td></tr>
<tr><td><ul>{side}</ul></td></tr></table></td>
<td width="760" valign="top">
{inner}
<tr><td class="position">您现在的位置：<a href="/">首页</a> &gt;
<a href="/yjcg/">研究成果</a></td></tr>
<tr><td align="center" class="arttitle"><strong>{title}</strong></td></tr>
<tr><td align="center" class="artinfo">{info}</td></tr>
<tr><td class="artbody">
{paragraphs}</td></tr>
<tr><td align="right"><a href="javascript:window.print()">打印</a>
<a href="javascript:window.close()">关闭</a></td></tr>
</table></td></tr></table>
<table width="1000" align="center"><tr><td class="foot">
版权所有：区域发展研究院　地址：{address}<br>
ICP备案号：京ICP备{_digits(rng, 8)}号　技术支持：信息中心</td></tr></table>
</body></html>"""


def _render_en_institute(rng: random.Random, a: Article, charset: str) -> str:
    title, author = html.escape(a.title), html.escape(a.author)
    paragraphs = [f"<p>{html.escape(p)}</p>" for p in a.paragraphs]
    heading = f"<h2>{html.escape(a.topic.en_name.capitalize())} in practice</h2>"
    paragraphs.insert(len(paragraphs) // 3, heading)
    quote = f"<blockquote><p>{html.escape(a.paragraphs[0][:160])}</p></blockquote>"
    paragraphs.insert(2 * len(paragraphs) // 3, quote)
    body = "\n".join(paragraphs)
    canonical = f"/research/{a.published:%Y/%m}/{_digits(rng, 4)}"
    topics = (
        f'<a href="/topic/1">{html.escape(a.topic.en_name)}</a>, '
        f'<a href="/topic/2">{html.escape(a.region.en)}</a>'
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="{charset}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} | Institute of Regional Development</title>
<meta name="citation_title" content="{title}">
<meta name="citation_author" content="{author}">
<meta name="citation_publication_date" content="{a.published:%Y/%m/%d}">
<meta name="description" content="{html.escape(a.paragraphs[0][:150])}">
<link rel="canonical" href="{canonical}">
{_head(rng, "institute", "ird", 130)}
</head><body>
<div class="cookie-banner">We use cookies to improve your experience.
<a href="/privacy">Privacy policy</a> <button>Accept</button></div>
<header class="ird-header"><a class="logo" href="/">Institute of Regional Development</a>
<nav><ul>{_nav(EN_NAV, "/section/")}</ul></nav>
<form class="search" action="/search"><input name="q" placeholder="Search">
<button>Go</button></form></header>
<div class="ird-crumb">{_links(("Home", "Research", "News"), " / ")}</div>
<main><article>
<h1>{title}</h1>
<div class="byline">By {author} | {a.published:%B %d, %Y}</div>
{body}
<p class="tags">Topics: {topics}</p>
</article>
<aside class="ird-related"><h3>Related research</h3><ul>
{_headline_list(rng, "en", 8, "/research/")}
</ul><h3>Most read</h3><ol>
{_headline_list(rng, "en", 8, "/research/")}
</ol></aside></main>
<section class="newsletter"><h3>Subscribe to our newsletter</h3>
<form><input type="email" placeholder="Email address"><button>Sign up</button></form></section>
<footer><ul>{_nav(EN_FOOT, "/about/")}</ul>
<p>© 2024 Institute of Regional Development. All rights reserved.</p></footer>
</body></html>"""


def _render_en_news(rng: random.Random, a: Article, charset: str) -> str:
    title, author = html.escape(a.title), html.escape(a.author)
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": a.title,
        "datePublished": a.published.strftime("%Y-%m-%dT%H:%M:%S+08:00"),
        "author": [{"@type": "Person", "name": a.author}],
        "publisher": {"@type": "Organization", "name": "City Cluster Daily"},
    }
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in a.paragraphs)
    editor = f"{rng.choice(EN_GIVEN)} {rng.choice(EN_FIRST)}"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="{charset}">
<title>{title} - City Cluster Daily</title>
<meta property="og:type" content="article">
<meta property="og:title" content="{title}">
<meta property="article:published_time" content="{a.published:%Y-%m-%dT%H:%M:%S}+08:00">
<script type="application/ld+json">{json.dumps(ld)}</script>
{_head(rng, "news", "ccd", 140)}
</head><body>
<div class="ccd-top">Sunday edition | {_links(("Subscribe", "Sign in"), " | ")}</div>
<nav class="ccd-nav"><ul>{_nav(EN_NEWS_NAV, "/section/")}</ul></nav>
<div class="ccd-main"><article class="story">
<div class="kicker"><a href="/section/regions/">Regions</a></div>
<h1>{title}</h1>
<p class="byline">By {author} in {html.escape(a.region.cities_en[0])}</p>
<time datetime="{a.published:%Y-%m-%d}">Updated: {a.published:%Y-%m-%d %H:%M}</time>
<div class="share">Share: {_links(("Twitter", "Facebook", "LinkedIn", "Email"))}</div>
<div class="story-body">
{body}
</div>
<p class="editor">Editor: {html.escape(editor)}</p>
</article>
<aside><h3>Read more</h3><ul>
{_headline_list(rng, "en", 10, "/story/")}
</ul><h3>Trending</h3><ul>
{_headline_list(rng, "en", 10, "/story/")}
</ul></aside></div>
<footer class="ccd-footer"><p>Copyright 2024 City Cluster Daily. All rights reserved.</p>
<ul>{_nav(EN_FOOT, "/about/")}</ul></footer>
</body></html>"""


def _zh_path(prefix: str) -> Callable[[Article, int], str]:
    def path(article: Article, number: int) -> str:
        when = article.published
        return f"/{prefix}/{when:%Y%m}/t{when:%Y%m%d}_{100000 + number}.html"

    return path


def _en_path(prefix: str) -> Callable[[Article, int], str]:
    def path(article: Article, number: int) -> str:
        words = "-".join(article.title.lower().replace("'", "").split()[:6])
        slug = "".join(ch for ch in words if ch.isalnum() or ch == "-")
        return f"/{prefix}/{article.published:%Y-%m}/{slug}-{number}.html"

    return path


SITES = (
    _Site("zh-gov", "zh", _render_zh_gov, _zh_path("xwdt")),
    _Site("zh-portal", "zh", _render_zh_portal, _zh_path("content")),
    _Site("zh-thinktank", "zh", _render_zh_thinktank, _zh_path("yjcg")),
    _Site("en-institute", "en", _render_en_institute, _en_path("research")),
    _Site("en-news", "en", _render_en_news, _en_path("story")),
)

# --- pages ----------------------------------------------------------------------------------------


def generate(count: int, seed: int = SEED) -> list[ArticlePage]:
    """`count` pages, alternately Chinese and English (cached per process: pages are immutable)."""
    return list(_generate(count, seed))


@lru_cache(maxsize=4)
def _generate(count: int, seed: int) -> tuple[ArticlePage, ...]:
    articles: list[Article] = []
    pages: list[ArticlePage] = []
    for number in range(count):
        rng = random.Random(f"{seed}:{number}")
        language = "zh" if number % 2 == 0 else "en"
        origin = _republished_index(rng, number, pages)
        if origin is None:
            size = rng.randint(2800, 5600) if language == "zh" else rng.randint(8000, 15000)
            article = make_article(rng, language, size)
        else:
            article = republish(rng, articles[origin])
        site = rng.choice([s for s in SITES if s.language == language])
        if origin is not None and site.name == pages[origin].site:
            site = next(s for s in SITES if s.language == language and s.name != site.name)
        articles.append(article)
        pages.append(_page(rng, site, article, number, origin))
    return tuple(pages)


def _republished_index(rng: random.Random, number: int, pages: list[ArticlePage]) -> int | None:
    if number % REPUBLISH_EVERY != REPUBLISH_EVERY - 1:
        return None
    language = "zh" if number % 2 == 0 else "en"
    earlier = [i for i, p in enumerate(pages) if p.language == language and p.republishes is None]
    return rng.choice(earlier) if earlier else None


def _page(
    rng: random.Random, site: _Site, article: Article, number: int, origin: int | None
) -> ArticlePage:
    gbk = site.language == "zh" and rng.random() < 1 / 3
    charset = "gbk" if gbk else "utf-8"
    text = site.render(rng, article, charset)
    body = text.encode(charset, errors="xmlcharrefreplace")
    content_type = "text/html" if gbk else "text/html; charset=utf-8"
    return ArticlePage(
        path=f"/{site.name}{site.path(article, number)}",
        body=body,
        content_type=content_type,
        language=article.language,
        title=article.title,
        published=article.published.date(),
        site=site.name,
        republishes=origin,
    )


def listing_page(pages: Sequence[ArticlePage], base: str, title: str = "最新动态 Latest") -> bytes:
    """An HTML listing linking every page (the `html` kind's links selector: `ul.list a`)."""
    items = "\n".join(
        f'<li><a href="{base}{page.path}">{html.escape(page.title)}</a>'
        f"<span>{page.published.isoformat()}</span></li>"
        for page in pages
    )
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f'</head><body><div class="nav"><a href="{base}/">首页 Home</a></div>'
        f'<h1>{html.escape(title)}</h1><ul class="list">\n{items}\n</ul>'
        '<div class="footer">© 2024</div></body></html>'
    ).encode()


# --- the loopback site ----------------------------------------------------------------------------

LISTING_MODIFIED = dt.datetime(2024, 12, 31, 12, tzinfo=dt.UTC)


@dataclass(frozen=True, slots=True)
class ServedPage(Page):
    """A page with an nginx-style ETag ("<mtime hex>-<length hex>"), as most servers send, rather
    than the demo site's sha256 one: validators are most of a 304's bytes."""

    @property
    def etag(self) -> str:
        return f'"{int(self.last_modified.timestamp()):x}-{len(self.body):x}"'


@dataclass(slots=True)
class Traffic:
    """What the site answered: requests by status, bytes in and out on the sockets."""

    statuses: Counter[int] = field(default_factory=Counter)
    bytes_in: int = 0
    bytes_out: int = 0

    @property
    def requests(self) -> int:
        return sum(self.statuses.values())

    @property
    def bytes(self) -> int:
        return self.bytes_in + self.bytes_out

    def minus(self, earlier: Traffic) -> Traffic:
        return Traffic(
            self.statuses - earlier.statuses,
            self.bytes_in - earlier.bytes_in,
            self.bytes_out - earlier.bytes_out,
        )

    def describe_statuses(self) -> str:
        return ", ".join(f"{count} x {status}" for status, count in sorted(self.statuses.items()))


def site_pages(articles: Sequence[ArticlePage], sections: int, base: str) -> dict[str, Page]:
    """Every resource of the site by path: the articles, /list.html (all of them),
    /list/<k>.html (k = 1..sections: the k-th slice) and /robots.txt."""
    served: dict[str, Page] = {
        p.path: ServedPage(p.path, p.body, p.content_type, _midnight(p.published), p.title)
        for p in articles
    }
    listings = {"/list.html": listing_page(articles, base)}
    size = -(-len(articles) // sections)
    for k in range(sections):
        part = articles[k * size : (k + 1) * size]
        listings[f"/list/{k + 1}.html"] = listing_page(part, base, f"Section {k + 1}")
    for path, body in listings.items():
        served[path] = ServedPage(path, body, "text/html; charset=utf-8", LISTING_MODIFIED)
    robots = b"User-agent: *\nAllow: /\n"
    served["/robots.txt"] = ServedPage("/robots.txt", robots, "text/plain", LISTING_MODIFIED)
    return served


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


class CorpusSite:
    """The pages on 127.0.0.1 with ETag, Last-Modified and 304s, counting its traffic.

    The server runs in a process of its own, so that serving takes no time from the client's
    interpreter (the two only share the machine's cores, as a remote site would not).
    """

    def __init__(self, articles: Sequence[ArticlePage], sections: int = 1) -> None:
        self.articles = list(articles)
        self.sections = sections
        self.base_url = ""
        self.pages: dict[str, Page] = {}
        self._process: Any = None
        self._conn: Connection | None = None

    def url(self, path: str) -> str:
        return self.base_url + path

    def start(self) -> Self:
        context = multiprocessing.get_context("spawn")
        mine, theirs = context.Pipe()
        self._process = context.Process(
            target=_serve, args=(self.articles, self.sections, theirs), daemon=True
        )
        self._process.start()
        self._conn = mine
        self.base_url = mine.recv()
        self.pages = site_pages(self.articles, self.sections, self.base_url)
        return self

    def traffic(self) -> Traffic:
        """The traffic so far (ask twice and subtract with Traffic.minus for one run's)."""
        assert self._conn is not None, "start the site first"
        self._conn.send("traffic")
        traffic: Traffic = self._conn.recv()
        return traffic

    def stop(self) -> None:
        if self._conn is not None:
            self._conn.send("stop")
            self._process.join(timeout=10)
            self._conn.close()
            self._conn = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, articles: Sequence[ArticlePage], sections: int) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        host, port = self.server_address[:2]
        self.base_url = f"http://{host!s}:{port}"
        self.pages = site_pages(articles, sections, self.base_url)
        self.traffic = Traffic()
        self.lock = threading.Lock()

    def count_bytes(self, size: int, outgoing: bool) -> None:
        with self.lock:
            if outgoing:
                self.traffic.bytes_out += size
            else:
                self.traffic.bytes_in += size

    def count_status(self, status: int) -> None:
        with self.lock:
            self.traffic.statuses[status] += 1


def _serve(articles: Sequence[ArticlePage], sections: int, conn: Connection) -> None:
    """The site's process: serve until told to stop; answer traffic questions meanwhile."""
    server = _Server(articles, sections)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    conn.send(server.base_url)
    while conn.recv() != "stop":
        with server.lock:
            conn.send(server.traffic.minus(Traffic()))
    server.shutdown()
    server.server_close()


class _Counted(io.BufferedIOBase):
    """A socket file that adds what passes through it to the site's traffic."""

    def __init__(self, inner: io.BufferedIOBase, server: _Server, outgoing: bool) -> None:
        super().__init__()
        self._inner, self._server, self._outgoing = inner, server, outgoing

    def read(self, size: int | None = -1) -> bytes:
        data = self._inner.read(size)
        self._server.count_bytes(len(data), self._outgoing)
        return data

    def readline(self, size: int | None = -1) -> bytes:
        data = self._inner.readline(size)
        self._server.count_bytes(len(data), self._outgoing)
        return data

    def write(self, data: Any) -> int:
        self._server.count_bytes(len(data), self._outgoing)
        return self._inner.write(data)

    def flush(self) -> None:
        if not self._inner.closed:
            self._inner.flush()

    def close(self) -> None:
        super().close()
        self._inner.close()


class _Handler(BaseHTTPRequestHandler):
    """GET of the site's pages with validators; a 304 when If-None-Match / -Modified-Since hold."""

    protocol_version = "HTTP/1.1"
    server_version = "nginx/1.24.0"
    sys_version = ""
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.rfile = _Counted(self.rfile, self.server, outgoing=False)
        self.wfile = _Counted(self.wfile, self.server, outgoing=True)

    def do_GET(self) -> None:
        page = self.server.pages.get(urlsplit(self.path).path)
        if page is None:
            status = HTTPStatus.NOT_FOUND
        elif not_modified(
            page, self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since")
        ):
            status = HTTPStatus.NOT_MODIFIED
        else:
            status = HTTPStatus.OK
        self.server.count_status(int(status))
        self.send_response(status)
        if page is not None:
            self.send_header("ETag", page.etag)
            self.send_header("Last-Modified", page.last_modified_header)
        if status == HTTPStatus.NOT_MODIFIED:
            self.end_headers()
            return
        body = page.body if page is not None else b"not found"
        self.send_header("Content-Type", page.content_type if page else "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Print the generated corpus' sizes.")
    parser.add_argument("--count", type=int, default=20)
    parser.add_argument("--show", type=int, default=None, help="print this page's HTML")
    args = parser.parse_args(argv)
    pages = generate(args.count)
    if args.show is not None:
        page = pages[args.show]
        charset = "gbk" if "charset" not in page.content_type and page.language == "zh" else "utf-8"
        print(page.body.decode(charset, errors="replace"))
        return 0
    for number, page in enumerate(pages):
        origin = f" republishes {page.republishes}" if page.republishes is not None else ""
        size = f"{len(page.body):6,} B"
        print(f"{number:4d} {page.language} {page.site:13s} {size} {page.path}{origin}")
    sizes = [len(p.body) for p in pages]
    print(f"{len(pages)} pages, mean {sum(sizes) / len(sizes) / 1000:.1f} KB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
