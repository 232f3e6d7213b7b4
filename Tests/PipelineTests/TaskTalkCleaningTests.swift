import Testing
@testable import Stages

/// The write stage's cleaner and the dedup-filter's `meta_talk` rule use `TaskTalkDetector`.
@Suite struct TaskTalkCleaningTests {
    // Sentences the default model wrote in a real build, between prose.
    let written = """
        Writing request: A full-length piece of writing is impossible. The canal opened in 1914 after a decade of work.
        Here's what the end result looks like:
        Ships climb through three sets of locks.
        I have just completed my second paragraph. The lake in the middle stores the water the locks need.
        """

    @Test func theCleanerDropsTheFlaggedSentencesAndKeepsTheProse() {
        let cleaned = StepCleaner.clean(written, previous: "").text
        #expect(cleaned == """
            The canal opened in 1914 after a decade of work.
            Ships climb through three sets of locks.
            The lake in the middle stores the water the locks need.
            """)
    }

    @Test func theFilterCountsTaskTalkPerRecord() {
        var settings = QualitySettings()
        settings.disabled = Set(settings.ruleNames).subtracting(["meta_talk"])
        let verdict = QualityChecker(settings: settings).check(instruction: "Write about the Panama Canal.", response: written,
                                                               requiredWords: nil).failure
        #expect(verdict?.rule == "meta_talk" && verdict?.value == 3)
        #expect(verdict?.detail.contains("2 task_talk") == true && verdict?.detail.contains("1 refusal") == true, "\(verdict?.detail ?? "")")
        settings.maxMetaLines = 3
        #expect(QualityChecker(settings: settings).check(instruction: "x", response: written, requiredWords: nil).failure == nil)
    }
}
