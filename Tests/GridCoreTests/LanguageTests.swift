import GridCore
import Testing

@Suite struct LanguageTests {
    @Test(arguments: [
        "en", "EN", "en-US", "en-GB,en;q=0.9", "en-US,en;q=0.9,zh-CN;q=0.8", " en ; q=1", "fr-FR, en;q=0.5, zh;q=0.4", "de,EN-us",
    ])
    func englishWhenAskedForBeforeChinese(header: String) {
        #expect(Language.from(acceptLanguage: header) == .en)
    }

    @Test(arguments: [
        "zh", "zh-CN", "ZH-Hans-CN", "zh-CN,zh;q=0.9,en;q=0.8", "fr, zh-TW, en",
    ])
    func chineseWhenAskedForFirst(header: String) {
        #expect(Language.from(acceptLanguage: header) == .zh)
    }

    @Test(arguments: [nil, "", "   ", "*", "fr-FR,de;q=0.8", ",,;", "q=0.5"] as [String?])
    func chineseIsTheDefault(header: String?) {
        #expect(Language.from(acceptLanguage: header) == .zh)
    }

    @Test func textLocalizesToTheChosenLanguage() {
        let text = Text(zh: "区", en: "district")
        #expect(text.localized(Language.from(acceptLanguage: "en-US")) == "district")
        #expect(text.localized(Language.from(acceptLanguage: nil)) == "区")
    }
}
