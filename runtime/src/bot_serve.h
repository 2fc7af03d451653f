/*
 * bot_serve.h — INTERNAL: `cmdop-core bots serve --config FILE`
 * (bot_serve.c; docs/bots.md "A long-running host").
 */
#ifndef CMDOP__BOT_SERVE_H
#define CMDOP__BOT_SERVE_H

/* argv after "bots" ("serve", "--config", FILE). Runs until SIGTERM or
 * SIGINT, then drains and returns the exit status: 0, 1 when a bot had
 * failed, 2 for a bad config or command line. */
int cmdop__bots_serve_main(int argc, char **argv);

#endif /* CMDOP__BOT_SERVE_H */
