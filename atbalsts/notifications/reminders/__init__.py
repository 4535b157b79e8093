"""The reminder rules, one module per domain; each rule takes the day and returns the
`Reminder`s it wants to exist. `atbalsts.notifications.run.run_reminders` runs them all."""
