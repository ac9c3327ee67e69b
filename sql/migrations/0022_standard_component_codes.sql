-- The bundled national problem list carries the standard minor codes of CJ/T 214 / GB/T 30428.2.
-- Its component items were numbered one after another, so 19 of them held another item's code
-- (热力井盖 was C0108, which the standard gives 电视井盖); a district that later imported the real
-- list, merged by code, would have relabelled its filed cases. The profile now lists the standard
-- items with the standard codes and their gaps; the catch-all 其他设施 is C0699, a local extension
-- (no standard item ends in 99). Every district's bundled items still holding their old code and
-- name move to the standard code: an item keeps its id, so its cases, duties and assisting
-- departments keep it, and the code moves with it.
--
-- The component items' filing and closing standards are a template ("公共区域的X破损、缺失、污损或
-- 功能异常"): the profile marks them, and a district's item keeps the mark until its standards are
-- edited, so the district knows which ones still await real text.

ALTER TABLE categories ADD COLUMN placeholder_standards boolean NOT NULL DEFAULT false;

UPDATE ref_catalog_profiles SET document = $profile$
{"profile": "national-standard", "name": "数字城管标准部件事件分类（CJ/T 214）", "categories": [
  {"code": "E", "name": "事件", "kind": "event"},
  {"code": "C", "name": "部件", "kind": "component"},
  {"code": "E01", "parentCode": "E", "name": "市容环境", "kind": "event"},
  {"code": "E0101", "parentCode": "E01", "name": "私搭乱建", "kind": "event", "public": true, "filingStandard": "占用道路、绿地、公共场地等私自搭建建筑物、构筑物或其他设施", "closingStandard": "违法建设已拆除，现场恢复原状", "grades": [{"key": "urgent", "name": "紧急（在建）", "limit": {"amount": 4, "unit": "workHours"}}, {"key": "general", "name": "一般", "limit": {"amount": 15, "unit": "workDays"}}], "defaultLevel": "street"},
  {"code": "E0102", "parentCode": "E01", "name": "暴露垃圾", "kind": "event", "public": true, "filingStandard": "道路、广场、绿地等公共区域有暴露垃圾，面积0.5平方米以上", "closingStandard": "垃圾已清除，现场清洁", "grades": [{"key": "general", "name": "一般", "limit": {"amount": 4, "unit": "workHours"}}], "defaultLevel": "community"},
  {"code": "E0103", "parentCode": "E01", "name": "积存垃圾渣土", "kind": "event", "public": true, "filingStandard": "公共区域积存垃圾、渣土，体积1立方米以上", "closingStandard": "积存垃圾渣土已清运，现场清洁", "grades": [{"key": "general", "name": "一般", "limit": {"amount": 4, "unit": "workDays"}}], "defaultLevel": "street"},
  {"code": "E0104", "parentCode": "E01", "name": "道路不洁", "kind": "event", "public": true, "filingStandard": "道路有明显污迹、油渍、泥沙等，长度10米以上", "closingStandard": "道路清扫干净，无明显污迹", "grades": [{"key": "general", "name": "一般", "limit": {"amount": 5, "unit": "workHours"}}], "defaultLevel": "community"},
  {"code": "E0105", "parentCode": "E01", "name": "水域不洁", "kind": "event", "public": true, "filingStandard": "河道、湖泊等水域有漂浮垃圾、油污，面积1平方米以上", "closingStandard": "水面漂浮物已打捞，水面清洁", "grades": [{"key": "general", "name": "一般", "limit": {"amount": 15, "unit": "workDays"}}], "defaultLevel": "street"},
  {"code": "E0106", "parentCode": "E01", "name": "绿地脏乱", "kind": "event", "public": true, "filingStandard": "绿地内有垃圾、杂物堆放或践踏破坏", "closingStandard": "绿地内垃圾杂物已清除", "grades": [{"key": "general", "name": "一般", "limit": {"amount": 2, "unit": "workDays"}}], "defaultLevel": "community"},
  {"code": "E02", "parentCode": "E", "name": "宣传广告", "kind": "event"},
  {"code": "E0201", "parentCode": "E02", "name": "非法小广告", "kind": "event", "public": true, "filingStandard": "在建筑物、公共设施、树木等处张贴、涂写、刻画小广告", "closingStandard": "小广告已清除，无明显残留", "grades": [{"key": "general", "name": "一般", "limit": {"amount": 1, "unit": "workDays"}}], "defaultLevel": "community"},
  {"code": "E0202", "parentCode": "E02", "name": "违章张贴悬挂", "kind": "event", "public": true, "filingStandard": "未经批准张贴、悬挂宣传品、横幅标语", "closingStandard": "违章张贴悬挂物已拆除", "grades": [{"key": "general", "name": "一般", "limit": {"amount": 2, "unit": "workDays"}}], "defaultLevel": "street"},
  {"code": "E0203", "parentCode": "E02", "name": "占道广告牌", "kind": "event", "public": true, "filingStandard": "未经批准在道路、广场设置广告牌、指示牌", "closingStandard": "占道广告牌已拆除，道路恢复通行", "grades": [{"key": "general", "name": "一般", "limit": {"amount": 3, "unit": "workDays"}}], "defaultLevel": "street"},
  {"code": "E0204", "parentCode": "E02", "name": "街头散发广告", "kind": "event", "public": true, "filingStandard": "在街头、路口向行人散发广告宣传品", "closingStandard": "散发行为已制止，现场无散落广告", "grades": [{"key": "general", "name": "一般", "limit": {"amount": 4, "unit": "workHours"}}], "defaultLevel": "street"},
  {"code": "E03", "parentCode": "E", "name": "施工管理", "kind": "event"},
  {"code": "E0301", "parentCode": "E03", "name": "施工扰民", "kind": "event", "public": true, "filingStandard": "夜间（22时至次日6时）未经批准施工，或施工噪声超标扰民", "closingStandard": "违规施工已停止或已办理夜间施工许可", "grades": [{"key": "urgent", "name": "紧急", "limit": {"amount": 2, "unit": "workHours"}}, {"key": "general", "name": "一般", "limit": {"amount": 1, "unit": "workDays"}}], "defaultLevel": "district"},
  {"code": "E0302", "parentCode": "E03", "name": "工地扬尘", "kind": "event", "public": true, "filingStandard": "施工工地未采取围挡、覆盖、洒水等防尘措施，产生明显扬尘", "closingStandard": "防尘措施已落实，无明显扬尘", "grades": [{"key": "general", "name": "一般", "limit": {"amount": 1, "unit": "workDays"}}], "defaultLevel": "street"},
  {"code": "E0303", "parentCode": "E03", "name": "道路遗撒", "kind": "event", "public": true, "filingStandard": "车辆运输渣土、砂石等造成道路遗撒，长度5米以上", "closingStandard": "遗撒物已清除，道路清洁", "grades": [{"key": "urgent", "name": "紧急", "limit": {"amount": 4, "unit": "workHours"}}, {"key": "general", "name": "一般", "limit": {"amount": 1, "unit": "workDays"}}], "defaultLevel": "street"},
  {"code": "E0304", "parentCode": "E03", "name": "施工废弃料", "kind": "event", "public": true, "filingStandard": "施工完毕后现场遗留废弃料、渣土未清运", "closingStandard": "施工废弃料已清运", "grades": [{"key": "general", "name": "一般", "limit": {"amount": 3, "unit": "workDays"}}], "defaultLevel": "street"},
  {"code": "E04", "parentCode": "E", "name": "突发事件", "kind": "event"},
  {"code": "E0401", "parentCode": "E04", "name": "路面塌陷", "kind": "event", "public": true, "filingStandard": "道路路面出现塌陷、坑洞，影响通行安全", "closingStandard": "塌陷已修复或已设置围挡并移交专业部门", "grades": [{"key": "urgent", "name": "紧急", "limit": {"amount": 120, "unit": "minutes"}}, {"key": "general", "name": "一般", "limit": {"amount": 1, "unit": "workDays"}}], "defaultLevel": "district"},
  {"code": "E0402", "parentCode": "E04", "name": "自来水管破裂", "kind": "event", "public": true, "filingStandard": "供水管道破裂，造成跑水、冒水", "closingStandard": "管道已抢修，供水恢复", "grades": [{"key": "urgent", "name": "紧急", "limit": {"amount": 120, "unit": "minutes"}}, {"key": "general", "name": "一般", "limit": {"amount": 1, "unit": "workDays"}}], "defaultLevel": "district"},
  {"code": "E0403", "parentCode": "E04", "name": "燃气管道破裂", "kind": "event", "public": true, "filingStandard": "燃气管道破裂或泄漏，有明显燃气气味", "closingStandard": "泄漏已处置，管道已修复", "grades": [{"key": "urgent", "name": "紧急", "limit": {"amount": 30, "unit": "minutes"}}], "defaultLevel": "district"},
  {"code": "E0404", "parentCode": "E04", "name": "下水道堵塞", "kind": "event", "public": true, "filingStandard": "下水道、雨水口堵塞，造成污水外溢或积水", "closingStandard": "管道已疏通，无外溢积水", "grades": [{"key": "urgent", "name": "紧急", "limit": {"amount": 4, "unit": "workHours"}}, {"key": "general", "name": "一般", "limit": {"amount": 2, "unit": "workDays"}}], "defaultLevel": "street"},
  {"code": "E0405", "parentCode": "E04", "name": "道路积水", "kind": "event", "public": true, "filingStandard": "道路积水深度10厘米以上，影响通行", "closingStandard": "积水已排除，道路恢复通行", "grades": [{"key": "urgent", "name": "紧急", "limit": {"amount": 120, "unit": "minutes"}}, {"key": "general", "name": "一般", "limit": {"amount": 1, "unit": "workDays"}}], "defaultLevel": "district"},
  {"code": "E0406", "parentCode": "E04", "name": "火灾", "kind": "event", "public": true, "filingStandard": "建筑物、车辆、绿地等发生火情", "closingStandard": "火情已扑灭，现场已处置", "grades": [{"key": "urgent", "name": "紧急", "limit": {"amount": 15, "unit": "minutes"}}], "defaultLevel": "district"},
  {"code": "E05", "parentCode": "E", "name": "街面秩序", "kind": "event"},
  {"code": "E0501", "parentCode": "E05", "name": "无照经营游商", "kind": "event", "public": true, "filingStandard": "在道路、广场等公共区域无照摆摊经营、流动叫卖", "closingStandard": "无照经营已取缔，现场秩序恢复", "grades": [{"key": "general", "name": "一般", "limit": {"amount": 4, "unit": "workHours"}}], "defaultLevel": "street"},
  {"code": "E0502", "parentCode": "E05", "name": "流浪乞讨", "kind": "event", "public": true, "filingStandard": "公共区域有流浪乞讨人员需要救助", "closingStandard": "已联系救助机构处置", "grades": [{"key": "general", "name": "一般", "limit": {"amount": 1, "unit": "workDays"}}], "defaultLevel": "street"},
  {"code": "E0503", "parentCode": "E05", "name": "占道废品收购", "kind": "event", "public": true, "filingStandard": "占用道路、人行道收购、堆放废品", "closingStandard": "占道废品收购已清理", "grades": [{"key": "general", "name": "一般", "limit": {"amount": 1, "unit": "workDays"}}], "defaultLevel": "community"},
  {"code": "E0504", "parentCode": "E05", "name": "店外经营", "kind": "event", "public": true, "filingStandard": "临街商户超出门窗外墙摆卖、经营或作业", "closingStandard": "店外经营已制止，物品已收回店内", "grades": [{"key": "general", "name": "一般", "limit": {"amount": 4, "unit": "workHours"}}], "defaultLevel": "community"},
  {"code": "E0505", "parentCode": "E05", "name": "机动车乱停放", "kind": "event", "public": true, "filingStandard": "机动车违反规定停放在人行道、绿地、消防通道等处", "closingStandard": "违停车辆已驶离或已处罚", "grades": [{"key": "general", "name": "一般", "limit": {"amount": 2, "unit": "workHours"}}], "defaultLevel": "street"},
  {"code": "E06", "parentCode": "E", "name": "其他事件", "kind": "event"},
  {"code": "E0601", "parentCode": "E06", "name": "其他事件", "kind": "event", "public": true, "filingStandard": "不属于以上分类的城市管理问题", "closingStandard": "问题已处置完毕", "grades": [{"key": "general", "name": "一般", "limit": {"amount": 5, "unit": "workDays"}}, {"key": "urgent", "name": "紧急", "limit": {"amount": 4, "unit": "workHours"}}], "defaultLevel": "street"},
  {"code": "C01", "parentCode": "C", "name": "公用设施", "kind": "component"},
  {"code": "C0101", "parentCode": "C01", "name": "上水井盖", "kind": "component", "public": true, "filingStandard": "井盖缺失、破损、移位、下沉或凸起（上水井盖）", "closingStandard": "井盖已补齐或修复，与路面平顺", "grades": [{"key": "urgent", "name": "紧急（缺失）", "limit": {"amount": 360, "unit": "minutes"}}, {"key": "general", "name": "一般", "limit": {"amount": 2, "unit": "workDays"}}], "defaultLevel": "district"},
  {"code": "C0102", "parentCode": "C01", "name": "污水井盖", "kind": "component", "public": true, "filingStandard": "井盖缺失、破损、移位、下沉或凸起（污水井盖）", "closingStandard": "井盖已补齐或修复，与路面平顺", "grades": [{"key": "urgent", "name": "紧急（缺失）", "limit": {"amount": 360, "unit": "minutes"}}, {"key": "general", "name": "一般", "limit": {"amount": 2, "unit": "workDays"}}], "defaultLevel": "district"},
  {"code": "C0103", "parentCode": "C01", "name": "雨水井盖", "kind": "component", "public": true, "filingStandard": "井盖缺失、破损、移位、下沉或凸起（雨水井盖）", "closingStandard": "井盖已补齐或修复，与路面平顺", "grades": [{"key": "urgent", "name": "紧急（缺失）", "limit": {"amount": 360, "unit": "minutes"}}, {"key": "general", "name": "一般", "limit": {"amount": 2, "unit": "workDays"}}], "defaultLevel": "district"},
  {"code": "C0104", "parentCode": "C01", "name": "雨水箅子", "kind": "component", "public": true, "filingStandard": "井盖缺失、破损、移位、下沉或凸起（雨水箅子）", "closingStandard": "井盖已补齐或修复，与路面平顺", "grades": [{"key": "urgent", "name": "紧急（缺失）", "limit": {"amount": 360, "unit": "minutes"}}, {"key": "general", "name": "一般", "limit": {"amount": 2, "unit": "workDays"}}], "defaultLevel": "district"},
  {"code": "C0105", "parentCode": "C01", "name": "电力井盖", "kind": "component", "public": true, "filingStandard": "井盖缺失、破损、移位、下沉或凸起（电力井盖）", "closingStandard": "井盖已补齐或修复，与路面平顺", "grades": [{"key": "urgent", "name": "紧急（缺失）", "limit": {"amount": 360, "unit": "minutes"}}, {"key": "general", "name": "一般", "limit": {"amount": 2, "unit": "workDays"}}], "defaultLevel": "district"},
  {"code": "C0106", "parentCode": "C01", "name": "路灯井盖", "kind": "component", "public": true, "filingStandard": "井盖缺失、破损、移位、下沉或凸起（路灯井盖）", "closingStandard": "井盖已补齐或修复，与路面平顺", "grades": [{"key": "urgent", "name": "紧急（缺失）", "limit": {"amount": 360, "unit": "minutes"}}, {"key": "general", "name": "一般", "limit": {"amount": 2, "unit": "workDays"}}], "defaultLevel": "district"},
  {"code": "C0107", "parentCode": "C01", "name": "通讯井盖", "kind": "component", "public": true, "filingStandard": "井盖缺失、破损、移位、下沉或凸起（通讯井盖）", "closingStandard": "井盖已补齐或修复，与路面平顺", "grades": [{"key": "urgent", "name": "紧急（缺失）", "limit": {"amount": 360, "unit": "minutes"}}, {"key": "general", "name": "一般", "limit": {"amount": 2, "unit": "workDays"}}], "defaultLevel": "district"},
  {"code": "C0108", "parentCode": "C01", "name": "电视井盖", "kind": "component", "public": true, "filingStandard": "井盖缺失、破损、移位、下沉或凸起（电视井盖）", "closingStandard": "井盖已补齐或修复，与路面平顺", "grades": [{"key": "urgent", "name": "紧急（缺失）", "limit": {"amount": 360, "unit": "minutes"}}, {"key": "general", "name": "一般", "limit": {"amount": 2, "unit": "workDays"}}], "defaultLevel": "district"},
  {"code": "C0109", "parentCode": "C01", "name": "网络井盖", "kind": "component", "public": true, "filingStandard": "井盖缺失、破损、移位、下沉或凸起（网络井盖）", "closingStandard": "井盖已补齐或修复，与路面平顺", "grades": [{"key": "urgent", "name": "紧急（缺失）", "limit": {"amount": 360, "unit": "minutes"}}, {"key": "general", "name": "一般", "limit": {"amount": 2, "unit": "workDays"}}], "defaultLevel": "district"},
  {"code": "C0110", "parentCode": "C01", "name": "热力井盖", "kind": "component", "public": true, "filingStandard": "井盖缺失、破损、移位、下沉或凸起（热力井盖）", "closingStandard": "井盖已补齐或修复，与路面平顺", "grades": [{"key": "urgent", "name": "紧急（缺失）", "limit": {"amount": 360, "unit": "minutes"}}, {"key": "general", "name": "一般", "limit": {"amount": 2, "unit": "workDays"}}], "defaultLevel": "district"},
  {"code": "C0111", "parentCode": "C01", "name": "燃气井盖", "kind": "component", "public": true, "filingStandard": "井盖缺失、破损、移位、下沉或凸起（燃气井盖）", "closingStandard": "井盖已补齐或修复，与路面平顺", "grades": [{"key": "urgent", "name": "紧急（缺失）", "limit": {"amount": 360, "unit": "minutes"}}, {"key": "general", "name": "一般", "limit": {"amount": 2, "unit": "workDays"}}], "defaultLevel": "district"},
  {"code": "C0112", "parentCode": "C01", "name": "公安井盖", "kind": "component", "public": true, "filingStandard": "井盖缺失、破损、移位、下沉或凸起（公安井盖）", "closingStandard": "井盖已补齐或修复，与路面平顺", "grades": [{"key": "urgent", "name": "紧急（缺失）", "limit": {"amount": 360, "unit": "minutes"}}, {"key": "general", "name": "一般", "limit": {"amount": 2, "unit": "workDays"}}], "defaultLevel": "district"},
  {"code": "C0113", "parentCode": "C01", "name": "消防设施", "kind": "component", "public": true, "filingStandard": "公共区域的消防设施破损、缺失、污损或功能异常", "closingStandard": "消防设施已修复或更换，功能恢复", "grades": [{"key": "general", "name": "一般", "limit": {"amount": 5, "unit": "workDays"}}, {"key": "urgent", "name": "紧急", "limit": {"amount": 4, "unit": "workHours"}}], "defaultLevel": "street", "placeholderStandards": true},
  {"code": "C0114", "parentCode": "C01", "name": "无主井盖", "kind": "component", "public": true, "filingStandard": "井盖缺失、破损、移位、下沉或凸起（无主井盖）", "closingStandard": "井盖已补齐或修复，与路面平顺", "grades": [{"key": "urgent", "name": "紧急（缺失）", "limit": {"amount": 360, "unit": "minutes"}}, {"key": "general", "name": "一般", "limit": {"amount": 2, "unit": "workDays"}}], "defaultLevel": "district"},
  {"code": "C0115", "parentCode": "C01", "name": "通讯交接箱", "kind": "component", "public": true, "filingStandard": "公共区域的通讯交接箱破损、缺失、污损或功能异常", "closingStandard": "通讯交接箱已修复或更换，功能恢复", "grades": [{"key": "general", "name": "一般", "limit": {"amount": 5, "unit": "workDays"}}, {"key": "urgent", "name": "紧急", "limit": {"amount": 4, "unit": "workHours"}}], "defaultLevel": "street", "placeholderStandards": true},
  {"code": "C0116", "parentCode": "C01", "name": "电力设施", "kind": "component", "public": true, "filingStandard": "公共区域的电力设施破损、缺失、污损或功能异常", "closingStandard": "电力设施已修复或更换，功能恢复", "grades": [{"key": "general", "name": "一般", "limit": {"amount": 5, "unit": "workDays"}}, {"key": "urgent", "name": "紧急", "limit": {"amount": 4, "unit": "workHours"}}], "defaultLevel": "street", "placeholderStandards": true},
  {"code": "C0117", "parentCode": "C01", "name": "立杆", "kind": "component", "public": true, "filingStandard": "公共区域的立杆破损、缺失、污损或功能异常", "closingStandard": "立杆已修复或更换，功能恢复", "grades": [{"key": "general", "name": "一般", "limit": {"amount": 5, "unit": "workDays"}}, {"key": "urgent", "name": "紧急", "limit": {"amount": 4, "unit": "workHours"}}], "defaultLevel": "street", "placeholderStandards": true},
  {"code": "C0118", "parentCode": "C01", "name": "路灯", "kind": "component", "public": true, "filingStandard": "公共区域的路灯破损、缺失、污损或功能异常", "closingStandard": "路灯已修复或更换，功能恢复", "grades": [{"key": "general", "name": "一般", "limit": {"amount": 5, "unit": "workDays"}}, {"key": "urgent", "name": "紧急", "limit": {"amount": 4, "unit": "workHours"}}], "defaultLevel": "street", "placeholderStandards": true},
  {"code": "C0119", "parentCode": "C01", "name": "地灯", "kind": "component", "public": true, "filingStandard": "公共区域的地灯破损、缺失、污损或功能异常", "closingStandard": "地灯已修复或更换，功能恢复", "grades": [{"key": "general", "name": "一般", "limit": {"amount": 5, "unit": "workDays"}}, {"key": "urgent", "name": "紧急", "limit": {"amount": 4, "unit": "workHours"}}], "defaultLevel": "street", "placeholderStandards": true},
  {"code": "C0120", "parentCode": "C01", "name": "景观灯", "kind": "component", "public": true, "filingStandard": "公共区域的景观灯破损、缺失、污损或功能异常", "closingStandard": "景观灯已修复或更换，功能恢复", "grades": [{"key": "general", "name": "一般", "limit": {"amount": 5, "unit": "workDays"}}, {"key": "urgent", "name": "紧急", "limit": {"amount": 4, "unit": "workHours"}}], "defaultLevel": "street", "placeholderStandards": true},
  {"code": "C0121", "parentCode": "C01", "name": "报刊亭", "kind": "component", "public": true, "filingStandard": "公共区域的报刊亭破损、缺失、污损或功能异常", "closingStandard": "报刊亭已修复或更换，功能恢复", "grades": [{"key": "general", "name": "一般", "limit": {"amount": 5, "unit": "workDays"}}, {"key": "urgent", "name": "紧急", "limit": {"amount": 4, "unit": "workHours"}}], "defaultLevel": "street", "placeholderStandards": true},
  {"code": "C0122", "parentCode": "C01", "name": "电话亭", "kind": "component", "public": true, "filingStandard": "公共区域的电话亭破损、缺失、污损或功能异常", "closingStandard": "电话亭已修复或更换，功能恢复", "grades": [{"key": "general", "name": "一般", "limit": {"amount": 5, "unit": "workDays"}}, {"key": "urgent", "name": "紧急", "limit": {"amount": 4, "unit": "workHours"}}], "defaultLevel": "street", "placeholderStandards": true},
  {"code": "C0123", "parentCode": "C01", "name": "邮筒", "kind": "component", "public": true, "filingStandard": "公共区域的邮筒破损、缺失、污损或功能异常", "closingStandard": "邮筒已修复或更换，功能恢复", "grades": [{"key": "general", "name": "一般", "limit": {"amount": 5, "unit": "workDays"}}, {"key": "urgent", "name": "紧急", "limit": {"amount": 4, "unit": "workHours"}}], "defaultLevel": "street", "placeholderStandards": true},
  {"code": "C0124", "parentCode": "C01", "name": "信息亭", "kind": "component", "public": true, "filingStandard": "公共区域的信息亭破损、缺失、污损或功能异常", "closingStandard": "信息亭已修复或更换，功能恢复", "grades": [{"key": "general", "name": "一般", "limit": {"amount": 5, "unit": "workDays"}}, {"key": "urgent", "name": "紧急", "limit": {"amount": 4, "unit": "workHours"}}], "defaultLevel": "street", "placeholderStandards": true},
  {"code": "C0125", "parentCode": "C01", "name": "自动售货机", "kind": "component", "public": true, "filingStandard": "公共区域的自动售货机破损、缺失、污损或功能异常", "closingStandard": "自动售货机已修复或更换，功能恢复", "grades": [{"key": "general", "name": "一般", "limit": {"amount": 5, "unit": "workDays"}}, {"key": "urgent", "name": "紧急", "limit": {"amount": 4, "unit": "workHours"}}], "defaultLevel": "street", "placeholderStandards": true},
  {"code": "C0126", "parentCode": "C01", "name": "健身设施", "kind": "component", "public": true, "filingStandard": "公共区域的健身设施破损、缺失、污损或功能异常", "closingStandard": "健身设施已修复或更换，功能恢复", "grades": [{"key": "general", "name": "一般", "limit": {"amount": 5, "unit": "workDays"}}, {"key": "urgent", "name": "紧急", "limit": {"amount": 4, "unit": "workHours"}}], "defaultLevel": "street", "placeholderStandards": true},
  {"code": "C02", "parentCode": "C", "name": "道路交通", "kind": "component"},
  {"code": "C0201", "parentCode": "C02", "name": "停车场", "kind": "component", "public": true, "filingStandard": "公共区域的停车场破损、缺失、污损或功能异常", "closingStandard": "停车场已修复或更换，功能恢复", "grades": [{"key": "general", "name": "一般", "limit": {"amount": 5, "unit": "workDays"}}, {"key": "urgent", "name": "紧急", "limit": {"amount": 4, "unit": "workHours"}}], "defaultLevel": "street", "placeholderStandards": true},
  {"code": "C0202", "parentCode": "C02", "name": "停车咪表", "kind": "component", "public": true, "filingStandard": "公共区域的停车咪表破损、缺失、污损或功能异常", "closingStandard": "停车咪表已修复或更换，功能恢复", "grades": [{"key": "general", "name": "一般", "limit": {"amount": 5, "unit": "workDays"}}, {"key": "urgent", "name": "紧急", "limit": {"amount": 4, "unit": "workHours"}}], "defaultLevel": "street", "placeholderStandards": true},
  {"code": "C0203", "parentCode": "C02", "name": "公交站亭", "kind": "component", "public": true, "filingStandard": "公共区域的公交站亭破损、缺失、污损或功能异常", "closingStandard": "公交站亭已修复或更换，功能恢复", "grades": [{"key": "general", "name": "一般", "limit": {"amount": 5, "unit": "workDays"}}, {"key": "urgent", "name": "紧急", "limit": {"amount": 4, "unit": "workHours"}}], "defaultLevel": "street", "placeholderStandards": true},
  {"code": "C0204", "parentCode": "C02", "name": "出租车站牌", "kind": "component", "public": true, "filingStandard": "公共区域的出租车站牌破损、缺失、污损或功能异常", "closingStandard": "出租车站牌已修复或更换，功能恢复", "grades": [{"key": "general", "name": "一般", "limit": {"amount": 5, "unit": "workDays"}}, {"key": "urgent", "name": "紧急", "limit": {"amount": 4, "unit": "workHours"}}], "defaultLevel": "street", "placeholderStandards": true},
  {"code": "C0205", "parentCode": "C02", "name": "过街天桥", "kind": "component", "public": true, "filingStandard": "公共区域的过街天桥破损、缺失、污损或功能异常", "closingStandard": "过街天桥已修复或更换，功能恢复", "grades": [{"key": "general", "name": "一般", "limit": {"amount": 5, "unit": "workDays"}}, {"key": "urgent", "name": "紧急", "limit": {"amount": 4, "unit": "workHours"}}], "defaultLevel": "street", "placeholderStandards": true},
  {"code": "C0206", "parentCode": "C02", "name": "地下通道", "kind": "component", "public": true, "filingStandard": "公共区域的地下通道破损、缺失、污损或功能异常", "closingStandard": "地下通道已修复或更换，功能恢复", "grades": [{"key": "general", "name": "一般", "limit": {"amount": 5, "unit": "workDays"}}, {"key": "urgent", "name": "紧急", "limit": {"amount": 4, "unit": "workHours"}}], "defaultLevel": "street", "placeholderStandards": true},
  {"code": "C0207", "parentCode": "C02", "name": "高架立交桥", "kind": "component", "public": true, "filingStandard": "公共区域的高架立交桥破损、缺失、污损或功能异常", "closingStandard": "高架立交桥已修复或更换，功能恢复", "grades": [{"key": "general", "name": "一般", "limit": {"amount": 5, "unit": "workDays"}}, {"key": "urgent", "name": "紧急", "limit": {"amount": 4, "unit": "workHours"}}], "defaultLevel": "street", "placeholderStandards": true},
  {"code": "C0208", "parentCode": "C02", "name": "跨河桥", "kind": "component", "public": true, "filingStandard": "公共区域的跨河桥破损、缺失、污损或功能异常", "closingStandard": "跨河桥已修复或更换，功能恢复", "grades": [{"key": "general", "name": "一般", "limit": {"amount": 5, "unit": "workDays"}}, {"key": "urgent", "name": "紧急", "limit": {"amount": 4, "unit": "workHours"}}], "defaultLevel": "street", "placeholderStandards": true},
  {"code": "C0209", "parentCode": "C02", "name": "交通标志牌", "kind": "component", "public": true, "filingStandard": "公共区域的交通标志牌破损、缺失、污损或功能异常", "closingStandard": "交通标志牌已修复或更换，功能恢复", "grades": [{"key": "general", "name": "一般", "limit": {"amount": 5, "unit": "workDays"}}, {"key": "urgent", "name": "紧急", "limit": {"amount": 4, "unit": "workHours"}}], "defaultLevel": "street", "placeholderStandards": true},
  {"code": "C0210", "parentCode": "C02", "name": "交通信号灯", "kind": "component", "public": true, "filingStandard": "公共区域的交通信号灯破损、缺失、污损或功能异常", "closingStandard": "交通信号灯已修复或更换，功能恢复", "grades": [{"key": "general", "name": "一般", "limit": {"amount": 5, "unit": "workDays"}}, {"key": "urgent", "name": "紧急", "limit": {"amount": 4, "unit": "workHours"}}], "defaultLevel": "street", "placeholderStandards": true},
  {"code": "C0211", "parentCode": "C02", "name": "交通护栏", "kind": "component", "public": true, "filingStandard": "公共区域的交通护栏破损、缺失、污损或功能异常", "closingStandard": "交通护栏已修复或更换，功能恢复", "grades": [{"key": "general", "name": "一般", "limit": {"amount": 5, "unit": "workDays"}}, {"key": "urgent", "name": "紧急", "limit": {"amount": 4, "unit": "workHours"}}], "defaultLevel": "street", "placeholderStandards": true},
  {"code": "C0212", "parentCode": "C02", "name": "存车支架", "kind": "component", "public": true, "filingStandard": "公共区域的存车支架破损、缺失、污损或功能异常", "closingStandard": "存车支架已修复或更换，功能恢复", "grades": [{"key": "general", "name": "一般", "limit": {"amount": 5, "unit": "workDays"}}, {"key": "urgent", "name": "紧急", "limit": {"amount": 4, "unit": "workHours"}}], "defaultLevel": "street", "placeholderStandards": true},
  {"code": "C0213", "parentCode": "C02", "name": "路名牌", "kind": "component", "public": true, "filingStandard": "公共区域的路名牌破损、缺失、污损或功能异常", "closingStandard": "路名牌已修复或更换，功能恢复", "grades": [{"key": "general", "name": "一般", "limit": {"amount": 5, "unit": "workDays"}}, {"key": "urgent", "name": "紧急", "limit": {"amount": 4, "unit": "workHours"}}], "defaultLevel": "street", "placeholderStandards": true},
  {"code": "C03", "parentCode": "C", "name": "市容环境", "kind": "component"},
  {"code": "C0301", "parentCode": "C03", "name": "公共厕所", "kind": "component", "public": true, "filingStandard": "公共区域的公共厕所破损、缺失、污损或功能异常", "closingStandard": "公共厕所已修复或更换，功能恢复", "grades": [{"key": "general", "name": "一般", "limit": {"amount": 5, "unit": "workDays"}}, {"key": "urgent", "name": "紧急", "limit": {"amount": 4, "unit": "workHours"}}], "defaultLevel": "street", "placeholderStandards": true},
  {"code": "C0302", "parentCode": "C03", "name": "化粪池", "kind": "component", "public": true, "filingStandard": "公共区域的化粪池破损、缺失、污损或功能异常", "closingStandard": "化粪池已修复或更换，功能恢复", "grades": [{"key": "general", "name": "一般", "limit": {"amount": 5, "unit": "workDays"}}, {"key": "urgent", "name": "紧急", "limit": {"amount": 4, "unit": "workHours"}}], "defaultLevel": "street", "placeholderStandards": true},
  {"code": "C0303", "parentCode": "C03", "name": "公厕指示牌", "kind": "component", "public": true, "filingStandard": "公共区域的公厕指示牌破损、缺失、污损或功能异常", "closingStandard": "公厕指示牌已修复或更换，功能恢复", "grades": [{"key": "general", "name": "一般", "limit": {"amount": 5, "unit": "workDays"}}, {"key": "urgent", "name": "紧急", "limit": {"amount": 4, "unit": "workHours"}}], "defaultLevel": "street", "placeholderStandards": true},
  {"code": "C0304", "parentCode": "C03", "name": "垃圾间（楼）", "kind": "component", "public": true, "filingStandard": "公共区域的垃圾间（楼）破损、缺失、污损或功能异常", "closingStandard": "垃圾间（楼）已修复或更换，功能恢复", "grades": [{"key": "general", "name": "一般", "limit": {"amount": 5, "unit": "workDays"}}, {"key": "urgent", "name": "紧急", "limit": {"amount": 4, "unit": "workHours"}}], "defaultLevel": "street", "placeholderStandards": true},
  {"code": "C0305", "parentCode": "C03", "name": "垃圾箱", "kind": "component", "public": true, "filingStandard": "公共区域的垃圾箱破损、缺失、污损或功能异常", "closingStandard": "垃圾箱已修复或更换，功能恢复", "grades": [{"key": "general", "name": "一般", "limit": {"amount": 5, "unit": "workDays"}}, {"key": "urgent", "name": "紧急", "limit": {"amount": 4, "unit": "workHours"}}], "defaultLevel": "street", "placeholderStandards": true},
  {"code": "C0306", "parentCode": "C03", "name": "灯箱霓虹灯", "kind": "component", "public": true, "filingStandard": "公共区域的灯箱霓虹灯破损、缺失、污损或功能异常", "closingStandard": "灯箱霓虹灯已修复或更换，功能恢复", "grades": [{"key": "general", "name": "一般", "limit": {"amount": 5, "unit": "workDays"}}, {"key": "urgent", "name": "紧急", "limit": {"amount": 4, "unit": "workHours"}}], "defaultLevel": "street", "placeholderStandards": true},
  {"code": "C0307", "parentCode": "C03", "name": "广告牌匾", "kind": "component", "public": true, "filingStandard": "公共区域的广告牌匾破损、缺失、污损或功能异常", "closingStandard": "广告牌匾已修复或更换，功能恢复", "grades": [{"key": "general", "name": "一般", "limit": {"amount": 5, "unit": "workDays"}}, {"key": "urgent", "name": "紧急", "limit": {"amount": 4, "unit": "workHours"}}], "defaultLevel": "street", "placeholderStandards": true},
  {"code": "C04", "parentCode": "C", "name": "园林绿化", "kind": "component"},
  {"code": "C0401", "parentCode": "C04", "name": "古树名木", "kind": "component", "public": true, "filingStandard": "公共区域的古树名木破损、缺失、污损或功能异常", "closingStandard": "古树名木已修复或更换，功能恢复", "grades": [{"key": "general", "name": "一般", "limit": {"amount": 5, "unit": "workDays"}}, {"key": "urgent", "name": "紧急", "limit": {"amount": 4, "unit": "workHours"}}], "defaultLevel": "street", "placeholderStandards": true},
  {"code": "C0402", "parentCode": "C04", "name": "行道树", "kind": "component", "public": true, "filingStandard": "公共区域的行道树破损、缺失、污损或功能异常", "closingStandard": "行道树已修复或更换，功能恢复", "grades": [{"key": "general", "name": "一般", "limit": {"amount": 5, "unit": "workDays"}}, {"key": "urgent", "name": "紧急", "limit": {"amount": 4, "unit": "workHours"}}], "defaultLevel": "street", "placeholderStandards": true},
  {"code": "C0403", "parentCode": "C04", "name": "护树设施", "kind": "component", "public": true, "filingStandard": "公共区域的护树设施破损、缺失、污损或功能异常", "closingStandard": "护树设施已修复或更换，功能恢复", "grades": [{"key": "general", "name": "一般", "limit": {"amount": 5, "unit": "workDays"}}, {"key": "urgent", "name": "紧急", "limit": {"amount": 4, "unit": "workHours"}}], "defaultLevel": "street", "placeholderStandards": true},
  {"code": "C0404", "parentCode": "C04", "name": "花架花钵", "kind": "component", "public": true, "filingStandard": "公共区域的花架花钵破损、缺失、污损或功能异常", "closingStandard": "花架花钵已修复或更换，功能恢复", "grades": [{"key": "general", "name": "一般", "limit": {"amount": 5, "unit": "workDays"}}, {"key": "urgent", "name": "紧急", "limit": {"amount": 4, "unit": "workHours"}}], "defaultLevel": "street", "placeholderStandards": true},
  {"code": "C0405", "parentCode": "C04", "name": "绿地", "kind": "component", "public": true, "filingStandard": "公共区域的绿地破损、缺失、污损或功能异常", "closingStandard": "绿地已修复或更换，功能恢复", "grades": [{"key": "general", "name": "一般", "limit": {"amount": 5, "unit": "workDays"}}, {"key": "urgent", "name": "紧急", "limit": {"amount": 4, "unit": "workHours"}}], "defaultLevel": "street", "placeholderStandards": true},
  {"code": "C0406", "parentCode": "C04", "name": "雕塑", "kind": "component", "public": true, "filingStandard": "公共区域的雕塑破损、缺失、污损或功能异常", "closingStandard": "雕塑已修复或更换，功能恢复", "grades": [{"key": "general", "name": "一般", "limit": {"amount": 5, "unit": "workDays"}}, {"key": "urgent", "name": "紧急", "limit": {"amount": 4, "unit": "workHours"}}], "defaultLevel": "street", "placeholderStandards": true},
  {"code": "C0407", "parentCode": "C04", "name": "街头坐椅", "kind": "component", "public": true, "filingStandard": "公共区域的街头坐椅破损、缺失、污损或功能异常", "closingStandard": "街头坐椅已修复或更换，功能恢复", "grades": [{"key": "general", "name": "一般", "limit": {"amount": 5, "unit": "workDays"}}, {"key": "urgent", "name": "紧急", "limit": {"amount": 4, "unit": "workHours"}}], "defaultLevel": "street", "placeholderStandards": true},
  {"code": "C0408", "parentCode": "C04", "name": "绿地护栏", "kind": "component", "public": true, "filingStandard": "公共区域的绿地护栏破损、缺失、污损或功能异常", "closingStandard": "绿地护栏已修复或更换，功能恢复", "grades": [{"key": "general", "name": "一般", "limit": {"amount": 5, "unit": "workDays"}}, {"key": "urgent", "name": "紧急", "limit": {"amount": 4, "unit": "workHours"}}], "defaultLevel": "street", "placeholderStandards": true},
  {"code": "C0409", "parentCode": "C04", "name": "绿地维护设施", "kind": "component", "public": true, "filingStandard": "公共区域的绿地维护设施破损、缺失、污损或功能异常", "closingStandard": "绿地维护设施已修复或更换，功能恢复", "grades": [{"key": "general", "name": "一般", "limit": {"amount": 5, "unit": "workDays"}}, {"key": "urgent", "name": "紧急", "limit": {"amount": 4, "unit": "workHours"}}], "defaultLevel": "street", "placeholderStandards": true},
  {"code": "C0410", "parentCode": "C04", "name": "喷泉", "kind": "component", "public": true, "filingStandard": "公共区域的喷泉破损、缺失、污损或功能异常", "closingStandard": "喷泉已修复或更换，功能恢复", "grades": [{"key": "general", "name": "一般", "limit": {"amount": 5, "unit": "workDays"}}, {"key": "urgent", "name": "紧急", "limit": {"amount": 4, "unit": "workHours"}}], "defaultLevel": "street", "placeholderStandards": true},
  {"code": "C05", "parentCode": "C", "name": "房屋土地", "kind": "component"},
  {"code": "C0501", "parentCode": "C05", "name": "宣传栏", "kind": "component", "public": true, "filingStandard": "公共区域的宣传栏破损、缺失、污损或功能异常", "closingStandard": "宣传栏已修复或更换，功能恢复", "grades": [{"key": "general", "name": "一般", "limit": {"amount": 5, "unit": "workDays"}}, {"key": "urgent", "name": "紧急", "limit": {"amount": 4, "unit": "workHours"}}], "defaultLevel": "street", "placeholderStandards": true},
  {"code": "C0502", "parentCode": "C05", "name": "人防工事", "kind": "component", "public": true, "filingStandard": "公共区域的人防工事破损、缺失、污损或功能异常", "closingStandard": "人防工事已修复或更换，功能恢复", "grades": [{"key": "general", "name": "一般", "limit": {"amount": 5, "unit": "workDays"}}, {"key": "urgent", "name": "紧急", "limit": {"amount": 4, "unit": "workHours"}}], "defaultLevel": "street", "placeholderStandards": true},
  {"code": "C06", "parentCode": "C", "name": "其他设施", "kind": "component"},
  {"code": "C0601", "parentCode": "C06", "name": "重大危险源", "kind": "component", "public": true, "filingStandard": "公共区域的重大危险源破损、缺失、污损或功能异常", "closingStandard": "重大危险源已修复或更换，功能恢复", "grades": [{"key": "general", "name": "一般", "limit": {"amount": 5, "unit": "workDays"}}, {"key": "urgent", "name": "紧急", "limit": {"amount": 4, "unit": "workHours"}}], "defaultLevel": "street", "placeholderStandards": true},
  {"code": "C0602", "parentCode": "C06", "name": "工地", "kind": "component", "public": true, "filingStandard": "公共区域的工地破损、缺失、污损或功能异常", "closingStandard": "工地已修复或更换，功能恢复", "grades": [{"key": "general", "name": "一般", "limit": {"amount": 5, "unit": "workDays"}}, {"key": "urgent", "name": "紧急", "limit": {"amount": 4, "unit": "workHours"}}], "defaultLevel": "street", "placeholderStandards": true},
  {"code": "C0603", "parentCode": "C06", "name": "水域附属设施", "kind": "component", "public": true, "filingStandard": "公共区域的水域附属设施破损、缺失、污损或功能异常", "closingStandard": "水域附属设施已修复或更换，功能恢复", "grades": [{"key": "general", "name": "一般", "limit": {"amount": 5, "unit": "workDays"}}, {"key": "urgent", "name": "紧急", "limit": {"amount": 4, "unit": "workHours"}}], "defaultLevel": "street", "placeholderStandards": true},
  {"code": "C0604", "parentCode": "C06", "name": "水域护栏", "kind": "component", "public": true, "filingStandard": "公共区域的水域护栏破损、缺失、污损或功能异常", "closingStandard": "水域护栏已修复或更换，功能恢复", "grades": [{"key": "general", "name": "一般", "limit": {"amount": 5, "unit": "workDays"}}, {"key": "urgent", "name": "紧急", "limit": {"amount": 4, "unit": "workHours"}}], "defaultLevel": "street", "placeholderStandards": true},
  {"code": "C0699", "parentCode": "C06", "name": "其他设施", "kind": "component", "public": true, "filingStandard": "公共区域的其他设施破损、缺失、污损或功能异常", "closingStandard": "其他设施已修复或更换，功能恢复", "grades": [{"key": "general", "name": "一般", "limit": {"amount": 5, "unit": "workDays"}}, {"key": "urgent", "name": "紧急", "limit": {"amount": 4, "unit": "workHours"}}], "defaultLevel": "street", "placeholderStandards": true, "localExtension": true}
]}
$profile$::jsonb
WHERE name = 'national-standard';

-- Moves one district's bundled component items to the standard codes, rewrites the codes its rule
-- sets name, records each change in its audit log and marks the standards still as bundled.
-- Idempotent: an item moves only while it holds its old bundled code and name. A move whose
-- target code the district holds with an item of its own is left out (with a NOTICE), and so is
-- a move onto the code of an item left out. Returns the number of items moved.
CREATE FUNCTION standard_component_codes(p_tenant bigint)
RETURNS integer
LANGUAGE plpgsql SET search_path = public, pg_temp
AS $$
DECLARE
    actor CONSTANT text := 'migration 0022';
    skipped record;
    moved integer;
BEGIN
    CREATE TEMP TABLE code_moves ON COMMIT DROP AS
    SELECT c.id, m.old_code, m.new_code, c.parent_id AS old_parent_id,
           -- 工地 changes major class; an item a district put under a class of its own stays there.
           CASE WHEN left(m.old_code, 3) <> left(m.new_code, 3) AND p.code = left(m.old_code, 3) THEN np.id ELSE c.parent_id END AS parent_id,
           jsonb_build_object('id', c.id, 'code', c.code, 'parentCode', p.code, 'name', c.name, 'path', c.path) AS before
    FROM (VALUES
        ('C0108', 'C0110', '热力井盖'), ('C0109', 'C0111', '燃气井盖'), ('C0110', 'C0113', '消防设施'), ('C0111', 'C0118', '路灯'),
        ('C0112', 'C0121', '报刊亭'), ('C0113', 'C0122', '电话亭'), ('C0114', 'C0126', '健身设施'), ('C0202', 'C0203', '公交站亭'),
        ('C0203', 'C0205', '过街天桥'), ('C0204', 'C0209', '交通标志牌'), ('C0205', 'C0210', '交通信号灯'), ('C0206', 'C0211', '交通护栏'),
        ('C0207', 'C0213', '路名牌'), ('C0302', 'C0305', '垃圾箱'), ('C0303', 'C0307', '广告牌匾'), ('C0403', 'C0405', '绿地'),
        ('C0404', 'C0406', '雕塑'), ('C0405', 'C0407', '街头坐椅'), ('C0503', 'C0602', '工地'), ('C0601', 'C0699', '其他设施')
    ) AS m(old_code, new_code, name)
    JOIN categories c ON c.tenant_id = p_tenant AND c.code = m.old_code AND c.name = m.name AND c.kind = 'component'
    LEFT JOIN categories p ON p.tenant_id = p_tenant AND p.id = c.parent_id
    LEFT JOIN categories np ON np.tenant_id = p_tenant AND np.code = left(m.new_code, 3);

    FOR skipped IN DELETE FROM code_moves WHERE parent_id IS NULL AND old_parent_id IS NOT NULL RETURNING old_code, new_code LOOP
        RAISE NOTICE 'tenant %: % stays, the district has no class %', p_tenant, skipped.old_code, left(skipped.new_code, 3);
    END LOOP;
    -- Until nothing changes: leaving a move out keeps its old code taken.
    LOOP
        FOR skipped IN
            DELETE FROM code_moves m USING categories c
            WHERE c.tenant_id = p_tenant AND c.code = m.new_code AND c.id NOT IN (SELECT id FROM code_moves)
            RETURNING m.old_code, m.new_code, c.name
        LOOP
            RAISE NOTICE 'tenant %: % stays, its standard code % is the district''s own item %', p_tenant, skipped.old_code, skipped.new_code, skipped.name;
        END LOOP;
        EXIT WHEN NOT FOUND;
    END LOOP;

    -- Codes are unique per district and items swap codes: every mover steps aside first.
    UPDATE categories c SET code = 'recode-' || c.id FROM code_moves m WHERE c.tenant_id = p_tenant AND c.id = m.id;
    UPDATE categories c SET code = m.new_code, parent_id = m.parent_id, version = c.version + 1, updated_at = now()
    FROM code_moves m WHERE c.tenant_id = p_tenant AND c.id = m.id;
    GET DIAGNOSTICS moved = ROW_COUNT;

    WITH RECURSIVE tree AS (
        SELECT id, id::text || '.' AS path FROM categories WHERE tenant_id = p_tenant AND parent_id IS NULL
        UNION ALL
        SELECT c.id, tree.path || c.id::text || '.' FROM categories c JOIN tree ON c.parent_id = tree.id
        WHERE c.tenant_id = p_tenant
    )
    UPDATE categories c SET path = tree.path FROM tree
    WHERE c.tenant_id = p_tenant AND c.id = tree.id AND c.path IS DISTINCT FROM tree.path;

    INSERT INTO audit_log (tenant_id, actor, action, entity, entity_key, before, after)
    SELECT p_tenant, actor, 'recode', 'category', c.code, m.before,
           jsonb_build_object('id', c.id, 'code', c.code, 'parentCode', p.code, 'name', c.name, 'path', c.path)
    FROM code_moves m
    JOIN categories c ON c.tenant_id = p_tenant AND c.id = m.id
    LEFT JOIN categories p ON p.tenant_id = p_tenant AND p.id = c.parent_id
    ORDER BY m.new_code;

    -- Routing names items by code (`rules[].when.categories`), in drafts and old versions too.
    WITH map AS (SELECT coalesce(jsonb_object_agg(old_code, new_code), '{}') AS codes FROM code_moves),
    rewritten AS (
        SELECT s.id, s.number, s.document AS before,
               jsonb_set(s.document, '{rules}', (
                   SELECT jsonb_agg(
                              CASE WHEN jsonb_typeof(r -> 'when' -> 'categories') = 'array' THEN
                                  jsonb_set(r, '{when,categories}', (
                                      SELECT jsonb_agg(coalesce(map.codes ->> x, x) ORDER BY i)
                                      FROM jsonb_array_elements_text(r -> 'when' -> 'categories') WITH ORDINALITY AS e(x, i)))
                              ELSE r END
                              ORDER BY n)
                   FROM jsonb_array_elements(s.document -> 'rules') WITH ORDINALITY AS q(r, n))) AS after
        FROM rule_sets s, map
        WHERE s.tenant_id = p_tenant AND jsonb_typeof(s.document -> 'rules') = 'array'
          AND EXISTS (SELECT 1 FROM jsonb_array_elements(s.document -> 'rules') r
                      WHERE jsonb_typeof(r -> 'when' -> 'categories') = 'array'
                        AND (r -> 'when' -> 'categories') ?| ARRAY(SELECT old_code FROM code_moves))
    ),
    updated AS (
        UPDATE rule_sets s SET document = w.after, version = s.version + 1, updated_at = now()
        FROM rewritten w WHERE s.tenant_id = p_tenant AND s.id = w.id
        RETURNING s.id
    )
    INSERT INTO audit_log (tenant_id, actor, action, entity, entity_key, before, after)
    SELECT p_tenant, actor, 'recode', 'ruleSet', w.number::text, w.before, w.after
    FROM rewritten w JOIN updated u ON u.id = w.id
    ORDER BY w.number;

    UPDATE categories c SET placeholder_standards = true, version = c.version + 1, updated_at = now()
    FROM ref_catalog_profiles r, jsonb_array_elements(r.document -> 'categories') e
    WHERE r.name = 'national-standard' AND (e ->> 'placeholderStandards')::boolean
      AND c.tenant_id = p_tenant AND NOT c.placeholder_standards AND c.code = e ->> 'code' AND c.name = e ->> 'name'
      AND c.filing_standard IS NOT DISTINCT FROM e ->> 'filingStandard' AND c.closing_standard IS NOT DISTINCT FROM e ->> 'closingStandard';

    DROP TABLE code_moves;
    RETURN moved;
END
$$;

REVOKE ALL ON FUNCTION standard_component_codes(bigint) FROM PUBLIC;

DO $$
DECLARE t bigint;
BEGIN
    FOR t IN SELECT id FROM tenants ORDER BY id LOOP
        PERFORM standard_component_codes(t);
    END LOOP;
END $$;
