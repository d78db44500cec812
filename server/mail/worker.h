/* The mail delivery worker of `giteki serve` (issue 19): one thread that takes due mails
 * from the outbox, one at a time, each in a transaction that claims its row FOR UPDATE SKIP
 * LOCKED (any number of instances share the outbox and no mail goes out twice), sends it with
 * libcurl over SMTP (smtp://, smtps://, STARTTLS with GITEKI_SMTP_STARTTLS, authentication
 * with GITEKI_SMTP_USER / GITEKI_SMTP_PASSWORD) and marks it sent, or schedules the next try
 * with a doubling delay (GITEKI_MAIL_RETRY), and after GITEKI_MAIL_TRIES tries marks it
 * failed and logs an error. Without GITEKI_SMTP_URL it says so once and sends nothing. Between
 * mails it makes the digests of subscriptions that are due (GITEKI_DIGEST_HOURS). */
#ifndef GK_MAIL_WORKER_H
#define GK_MAIL_WORKER_H

/* Start the thread (after gk_db_init). 0, or -1 when it cannot start. */
int gk_mail_worker_start(void);
/* Stop it: the mail being sent finishes first. */
void gk_mail_worker_stop(void);

#endif
