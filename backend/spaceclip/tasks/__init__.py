"""Queue wiring: the jobs table holds status, the queue (Huey on SQLite or Redis) carries job ids."""
