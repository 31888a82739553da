"""Where publishers put metadata: meta names, JSON-LD types, byline and date labels.

Data only (no logic), so that supporting a new CMS convention means editing a list here.
Meta names are matched case-insensitively against the name, property and itemprop attributes.
"""

from __future__ import annotations

import re

# --- <meta> names, best first -------------------------------------------------------------------

META_TITLE = (
    "citation_title",
    "dc.title",
    "dcterms.title",
    "articletitle",  # Chinese government/news CMS (TRS, Hanweb...)
    "og:title",
    "twitter:title",
    "headline",
)
META_AUTHORS_SCHOLARLY = (
    "citation_author",
    "citation_authors",
    "dc.creator",
    "dcterms.creator",
    "dc.contributor.author",
    "bepress_citation_author",
    "prism.author",
)
META_AUTHORS_LOOSE = (
    "author",
    "article:author",
    "byl",
    "parsely-author",
    "sailthru.author",
    "contentauthor",
)
# Dates: scholarly and Dublin Core first (they name the publication), then web and CMS names.
META_DATES_SCHOLARLY = (
    "citation_publication_date",
    "citation_date",
    "citation_online_date",
    "citation_cover_date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.date",
    "dcterms.created",
    "prism.publicationdate",
    "prism.coverdate",
)
META_DATES_WEB = (
    "article:published_time",
    "og:published_time",
    "og:release_date",
    "datepublished",
    "publishdate",  # Chinese CMS
    "pubdate",
    "publish_date",
    "publishtime",
    "firstpublishedtime",
    "parsely-pub-date",
    "sailthru.date",
    "date",
)
META_DOI = (
    "citation_doi",
    "prism.doi",
    "bepress_citation_doi",
    "dc.identifier",
    "dcterms.identifier",
    "doi",
)
META_ABSTRACT = (
    "citation_abstract",
    "dcterms.abstract",
    "dc.description.abstract",
    "eprints.abstract",
)
META_DESCRIPTION = ("og:description", "description", "dc.description", "twitter:description")
META_KEYWORDS = ("citation_keywords", "keywords", "news_keywords", "dc.subject", "article:tag")
META_JOURNAL = (
    "citation_journal_title",
    "citation_conference_title",
    "prism.publicationname",
    "citation_inbook_title",
)
META_SITE = ("og:site_name", "sitename", "application-name", "contentsource", "source")
META_PUBLISHER = ("citation_publisher", "dc.publisher", "dcterms.publisher", "article:publisher")
META_CANONICAL = ("og:url",)
META_LANGUAGE = ("citation_language", "dc.language", "content-language", "og:locale", "language")
META_PDF = ("citation_pdf_url",)

# --- JSON-LD -------------------------------------------------------------------------------------

JSONLD_ARTICLE_TYPES = frozenset(
    {
        "article",
        "newsarticle",
        "scholarlyarticle",
        "blogposting",
        "reportagenewsarticle",
        "analysisnewsarticle",
        "opinionnewsarticle",
        "backgroundnewsarticle",
        "techarticle",
        "report",
        "socialmediaposting",
        "answer",  # a Q&A site's answer (zhihu): its author and date are the page's
        "liveblogposting",
        "publicationissue",
        "chapter",
        "thesis",
        "creativework",
        "govermentdocument",
        "legislation",
    }
)

# --- visible text --------------------------------------------------------------------------------

# Elements whose text is never page text.
SKIP_TAGS = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "select",
        "option",
        "textarea",
        "iframe",
        "object",
        "embed",
        "svg",
        "canvas",
        "head",
        "title",
        "button",
        "input",
        "map",
    }
)
# Elements that start a new line of text.
BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "br", "caption", "center", "dd",
        "details", "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer",
        "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "html", "li", "main", "nav",
        "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead",
        "tr", "ul",
    }
)  # fmt: skip
HEADING_TAGS = frozenset({"h1", "h2", "h3"})
# Page chrome: headers, menus, footers, side bars.
CHROME_TAGS = frozenset({"header", "nav", "footer", "aside"})
CHROME_TOKENS = frozenset(
    {
        "header", "top", "topbar", "top-bar", "topnav", "top-nav", "nav", "navbar", "navigation",
        "menu", "mainmenu", "main-menu", "footer", "foot", "copyright", "toolbar", "sidebar",
        "side-bar", "weather", "datebar", "date-bar", "today", "clock", "site-header",
        "site-footer", "site-nav", "global-nav", "globalnav", "breadcrumb", "breadcrumbs",
    }
)  # fmt: skip

# Headings over a list of other stories ('相关阅读', '热点推荐', 'Related Articles', 'Most Read'):
# the bylines and dates under them are those stories'.
OTHER_STORIES = re.compile(
    r"^(?:相关|相關|延伸阅读|延伸閱讀|推荐阅读|推薦閱讀|热点|熱點|热门|熱門|猜你喜欢|本版其他|更多"
    r"|related|more\s+(?:from|on|stories)|most\s+(?:read|popular|viewed)|recommended"
    r"|read\s+more|you\s+may\s+also\s+like)",
    re.I,
)

# --- bylines -------------------------------------------------------------------------------------

# Labels whose value is the author(s).
AUTHOR_LABELS = (
    "作者",
    "文",
    "撰文",
    "撰稿",
    "撰稿人",
    "执笔",
    "执笔人",
    "作者署名",
    "署名",
    "原作者",
    "本文作者",
    "文章作者",
    "发信人",  # an old BBS post's header ('发信人: laomao (老猫), 信区: Economy')
    "博主",
    "楼主",
    "发帖人",
    "发帖者",
    "发贴人",
    "发表者",
    "帖子作者",
    "Author",
    "Authors",
    "Written by",
    "By",
)
# A forum post's floor label, shown as a link beside its poster's name ('楼主' is the thread's
# first post, '沙发' the second...): never the poster's name itself.
_FLOOR = r"楼主|沙发|板凳|地板|地下室|\d+\s*(?:楼|#|F|层)|#\d+|第\s*\d+\s*楼"
FLOOR_LABELS = re.compile(_FLOOR, re.I)
# Links a forum shows beside a poster's name: actions, never the name.
FORUM_ACTIONS = frozenset(
    {
        "发消息", "发短消息", "短消息", "加好友", "加为好友", "私信", "关注", "只看该作者",
        "电梯直达", "返回列表", "回复", "引用", "举报", "收藏", "分享", "打印", "查看资料",
        "个人空间", "查看个人网站", "搜索帖子", "给TA发消息", "在线", "离线",
    }
)  # fmt: skip
# A bare 'posted at <date>' line without a name (the forum shows the name lines above it),
# maybe after the post's floor label ('楼主 发表于 2024-3-5').
POSTED_AT = re.compile(
    rf"^(?:(?:{_FLOOR})\s*)?(?:发表于|发表时间|发帖时间|发布于|posted\s+(?:on|at))\s*[:：]?\s*\d",
    re.I,
)
# Labels whose value is an organisation that issued the document (government 信息公开 pages).
ISSUER_LABELS = ("发文机关", "发布机构", "发文单位", "成文单位", "发布单位")
# Reporter roles: names after these are authors (记者 张三 李四).
# Traditional forms too (記者 林志明／台中報導: Hong Kong and Taiwan pages).
REPORTER_ROLES = (
    "记者", "通讯员", "特约撰稿人", "特约撰稿", "特约评论员", "实习生", "见习记者", "特约记者",
    "記者", "通訊員", "實習生", "特約記者", "見習記者", "特約撰稿",
    "特派员", "特派員",  # a paper's correspondent abroad ('中国特派员 韩咏红', 联合早报)
)  # fmt: skip
# Labels of a page's editors (desk or not): a name they give is never the page's author.
EDITOR_LABELS = ("编辑", "责任编辑", "责编", "本文编辑", "編輯", "責任編輯", "Editor")
# '编辑：X' on a reposted piece (never 责任编辑 / 责编, the desk editor): its compiler,
# used only when a page names nobody else.
COMPILER_LABELS = ("编辑", "本文编辑", "Editor")
# Labels that end a byline value ("作者：张三 来源：新华网").
FIELD_LABELS = (
    "来源",
    "出处",
    "发布时间",
    "发布日期",
    "发表时间",
    "发表日期",
    "发表于",
    "更新时间",
    "时间",
    "日期",
    "点击",
    "浏览",
    "阅读",
    "字号",
    "编辑",
    "责任编辑",
    "作者",
    "摄影",
    "摄",
    "审核",
    "校对",
    "分享",
    "打印",
    "关闭",
    "Source",
    "Date",
    "Published",
)
# 'X的博客' names a personal site's owner, the author of what it publishes.
BLOG_OWNER = re.compile(
    r"^(?P<v>[^\s|｜_:：<>《》]{2,20}?)\s*的(?:个人)?(?:博客|blog|Blog|BLOG|专栏|空间|部落格|主页)"
)
# Words of a share or follow bar ('分享到 微信 微博', 'Share: Facebook Twitter'), which a CMS
# often prints on the byline's or the editor's line: never a person's name, whatever the label
# before them (compared case-folded).
SHARE_WORDS = frozenset(
    {
        "分享", "分享到", "分享至", "转发", "转发到", "收藏", "关注", "关注我们", "扫一扫", "微信",
        "微信扫一扫", "朋友圈", "微信朋友圈", "微博", "新浪微博", "腾讯微博", "qq", "qq空间",
        "qq好友", "豆瓣", "知乎", "抖音", "今日头条", "人人网", "复制链接", "二维码",
        "分享給", "分享到微信", "分享到微博", "臉書", "脸书", "推特",
        "share", "share this", "tweet", "facebook", "twitter", "linkedin", "whatsapp", "weibo",
        "wechat", "email", "e-mail", "print", "reddit", "telegram", "pinterest", "follow",
    }
)  # fmt: skip
# Common Chinese surnames: a bare 2-3 character line or 来源 value starting with one is a person.
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏"
    "魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵"
    "万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘"
    "祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟"
    "艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞"
    "姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝闻"
    # the same surnames as Hong Kong and Taiwan write them (陳, 黃, 張...)
    "劉陳楊黃趙吳孫馬鄭謝韓馮鄧曹蕭葉蘇呂盧鍾譚陸賈龍顧龔萬錢嚴莊聶魯關蘭紀單塗駱藍鮑華饒"
    "項連蘆麥婁竇費衛鄒許羅郭湯溫韋邱閻賴塗熊鄺閔蔣潘馮廖鍾張劉"
)
COMPOUND_SURNAMES = (
    "欧阳",
    "司马",
    "上官",
    "诸葛",
    "东方",
    "皇甫",
    "尉迟",
    "公孙",
    "慕容",
    "令狐",
    "夏侯",
)
# Words that are never a person's name in a byline.
NOT_NAMES = frozenset(
    {
        "佚名",
        "未知",
        "匿名",
        "admin",
        "administrator",
        "unknown",
        "anonymous",
        "本站",
        "本网",
        "网友",
        "编辑部",
        "该作者文章",
        "作者",
        "记者",
        "编辑",
        "来源",
        "发布",  # '特派员 韩咏红 发布 / 2024年3月7日': the posting's label after the name
        "發布",
        "更新",
        "staff",
        "none",
        "null",
        "不详",
        "网络",
        "互联网",
        "转载",
        "原创",
        "本站原创",
        "管理员",
        "站长",
        "小编",
        "本站编辑",
    }
)
# A byline "name" ending like this is a medium, not a person (新华网, 人民日报...).
ORGANISATION_SUFFIXES = re.compile(
    r"(?:网|报|社|台|站|刊|部|中心|频道|杂志|出版社|公司|集团|网站|新闻|日报|晚报|周刊|"
    r"\.com|\.cn|\.net|\.org|Inc\.?|Ltd\.?|Publishers?|Press|News|Media)$",
    re.IGNORECASE,
)

# A government or university unit named in an author field ('作者：综合统计处', '作者：林业局'):
# the division that filed the page, not a person. No given name ends in the first group; a
# name may end in the second ('李文科'), so a short one after a common surname is a person's.
UNIT_SUFFIXES = re.compile(
    r"(?P<office>处|處|司|局|厅|廳|署)$|(?:科|室|办|辦|委|组|組|所|院|会|會)$"
)

# A research group or committee credited under a headline: a byline, not the headline.
GROUP_SUFFIXES = re.compile(r"(?:课题组|研究组|调研组|小组|委员会|办公室|研究院|研究所|研究中心)$")

# --- dates ---------------------------------------------------------------------------------------

# Labels that say "the date next to me is the publication date".
DATE_LABELS = re.compile(
    r"发布时间|发布日期|发表时间|发表日期|发表于|发布于|发文日期|成文日期|印发日期|"
    r"刊发时间|上传时间|更新时间|时间|日期|来源|更新|发信站|"
    r"\b(?:Published|Posted|Date|Released|Issued|Updated|Last updated)\b",
    re.IGNORECASE,
)
# The date a government document was written (成文日期) beats when a portal posted it.
WRITTEN_LABEL = re.compile(r"成文日期|成文时间|签发日期")
# A reprint citing the issue it first appeared in: '——《北京之春》1998年3月号', '原载《读书》...'.
CITATION_DATE = re.compile(
    r"(?:《[^》]{1,40}》|(?:原载|刊于|载于|原刊于?)[^\d]{0,40}?)\s*"
    r"(?P<y>(?:19|20)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月(?:\s*(?P<d>\d{1,2})\s*日)?"
    r"(?:号|刊|期|版)?"
)
# Text right before a date that marks a clock/calendar widget rather than a publication date.
WIDGET_PREFIX = re.compile(
    r"(?:今天是|今天|今日|现在是|现在|当前时间|当前日期|[Tt]oday is|[Tt]oday)\s*[:：]?\s*$"
)
WIDGET_SUFFIX = re.compile(
    r"^\s*(?:星期|周|礼拜)[一二三四五六日天]|^\s*农历|^\s*,?\s*(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day"
)
# Date folders in URLs: /2023/0116/, /2023/01/16/, /t20230116_123.html, /2023-01-16/.
URL_DATE = re.compile(
    r"(?<!\d)((?:19|20)\d{2})[/_-]?(0[1-9]|1[0-2])[/_-]?(0[1-9]|[12]\d|3[01])(?!\d)"
)

# --- titles --------------------------------------------------------------------------------------

# Separators between an article title and a site or section name in <title>.
TITLE_SEPARATORS = re.compile(
    r"\s*(?:_|\||｜|\s-\s|\s–\s|\s—\s|--|::|»|·\s|(?<=[\u4e00-\u9fff”」》）)])-(?=[\u4e00-\u9fff]))\s*"
)
# Picture/video and reprint markers appended to (or put before) Chinese headlines, and the
# post-type tags forums put before a thread's subject (a closed list: '[通勤]'-like category
# tags are open-ended, and are dropped only when <title> gives the subject without them).
TITLE_MARKERS = re.compile(
    r"\s*[（(\[【](?:图|组图|多图|附图|图文|视频|高清|图表|附视频|转载|转帖|转|原创)[)）\]】]\s*$"
    r"|^\s*[（(\[【](?:转载|转帖|转|原创|推荐|精华|置顶|分享|求助|讨论|翻译)[)）\]】]\s*"
)
# A label before a forum or CMS headline: '主题: ...', '标题：...'.
TITLE_LABEL = re.compile(
    r"^(?:主题|标题|题目|文章标题|主題|標題|題目|文章標題|Subject|Title)\s*[:：]\s*", re.I
)
