package io.github.o365auditcamel.simulator;

/**
 * Invented texts that records of several workloads draw from: user agents, file names, SharePoint site names and
 * mail subjects (some of them non-ASCII).
 */
final class RecordVocabulary {

    static final String[] USER_AGENTS = {
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0 Safari/537.36"
                + " Edg/122.0",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_3) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3"
                + " Safari/605.1.15",
        "Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17328; Pro)",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_3 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148"
                + " Teams/6.1"};

    static final String[] FILES = {
        "Q1 forecast.xlsx", "Präsentation Übersicht.pptx", "Budget 2025 – Équipe.xlsx", "plan.docx",
        "Réunion compte-rendu.docx", "Gehaltsübersicht.xlsx", "contract_draft_v3.pdf", "Roadmap FY26.pptx",
        "São Paulo office lease.pdf", "onboarding checklist.docx"};

    static final String[] SITES = {"Finance", "Marketing", "HR", "Engineering", "Direction Générale"};

    static final String[] SUBJECTS = {
        "Réunion budget – Q3", "Angebot für München", "customer list", "Re: contract renewal",
        "Überprüfung der Rechnung", "Weekly status", "Fwd: São Paulo trip", "Invitation: All-hands"};

    private RecordVocabulary() {
    }
}
