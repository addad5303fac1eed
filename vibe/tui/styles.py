"""The app's stylesheet. ANSI colour names throughout, so the terminal's palette decides."""

APP_CSS = """
Screen { layout: vertical; }
#transcript { height: 1fr; padding: 0 1; scrollbar-size-vertical: 1; }
.welcome { color: $text-muted; margin-bottom: 1; }
.user-entry { margin: 1 0 0 0; padding: 0 1; border-left: thick $accent; text-style: bold; }
.answer { margin: 1 0 0 0; }
.answer .stream-block { margin: 0 0 1 0; }
.reasoning { margin: 1 0 0 0; border: none; padding: 0; }
.reasoning-text { padding: 0 0 0 2; }
.notice { margin: 1 0 0 0; }
.notice.-warn { color: ansi_yellow; }
.notice.-error { color: ansi_red; text-style: bold; }
.notice.-dim { color: $text-muted; margin: 0; }
.plan { margin: 1 0 0 0; padding: 0 1; border-left: thick ansi_blue; }
#pinned-plan { height: auto; max-height: 12; margin: 0 1; }
.tool-card { height: auto; margin: 1 0 0 0; padding: 0 1; border-left: thick ansi_bright_black; }
.tool-card.-ok { border-left: thick ansi_green; }
.tool-card.-failed { border-left: thick ansi_red; }
.tool-card.-failed .tool-header { color: ansi_red; }
.tool-card:focus { background: $boost; }
.tool-card.-nested { margin: 0 0 0 4; }
.tool-body { padding: 0 0 0 2; color: $text-muted; }
#completion { height: auto; max-height: 10; border: round $accent; margin: 0 1; }
#prompt { height: auto; max-height: 10; min-height: 1; border: round $accent; margin: 0 1; padding: 0 1; }
#status { height: 1; padding: 0 1; color: $text-muted; }
ApprovalScreen, PickerScreen, SessionPickerScreen, LocalModelScreen { align: center middle; }
#local-warning { margin-top: 1; }
#approval, #picker { width: 90%; max-width: 120; height: auto; max-height: 90%; border: thick ansi_yellow;
    padding: 0 1; background: $surface; }
#picker { border: thick $accent; }
#approval-title, #picker-title { text-style: bold; }
#approval-reason { color: ansi_yellow; margin-bottom: 1; }
#approval-detail { height: auto; max-height: 20; border: round ansi_bright_black; }
#approval-choices, #picker-list { height: auto; margin-top: 1; }
/* The /resume picker is as tall as the screen allows: the list scrolls, the filter stays. */
SessionPickerScreen #picker { height: 90%; }
SessionPickerScreen #picker-list { height: 1fr; }
#session-filter { margin-top: 1; }
#session-count { height: 1; }
#session-filter { margin-top: 1; }
#session-count { height: 1; }
#feedback { margin-top: 1; }
/* Notices ("Press Ctrl+C again to quit") at the top right, clear of the prompt's border. */
ToastRack { dock: top; align: right top; margin-bottom: 0; margin-top: 1; }
"""
