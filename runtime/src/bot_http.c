/* bot_http.c — see bot_http.h. */
#include "bot_http.h"
#include "http_easy.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define BOT_HTTP_MAX_BODY (8u << 20)

typedef struct sink {
    char *data;
    size_t len;
    bool over;
} sink;

typedef struct ctx {
    sink body;
    bot_http_resp *out;
    atomic_int *abort1, *abort2;
} ctx;

static size_t on_body(char *p, size_t size, size_t n, void *payload)
{
    sink *s = payload;
    size_t add = size * n;
    if (s->len + add > BOT_HTTP_MAX_BODY) {
        s->over = true;
        return 0;
    }
    char *g = realloc(s->data, s->len + add + 1);
    if (!g)
        return 0;
    memcpy(g + s->len, p, add);
    s->data = g;
    s->len += add;
    s->data[s->len] = '\0';
    return add;
}

static double header_num(const char *v, size_t n)
{
    char tmp[64];
    if (n >= sizeof tmp)
        n = sizeof tmp - 1;
    memcpy(tmp, v, n);
    tmp[n] = '\0';
    char *end;
    double d = strtod(tmp, &end);
    return end == tmp ? -1 : d;
}

static size_t on_header(char *p, size_t size, size_t n, void *payload)
{
    bot_http_resp *r = payload;
    size_t len = size * n;
    const char *colon = memchr(p, ':', len);
    if (!colon)
        return len;
    size_t klen = (size_t)(colon - p);
    const char *v = colon + 1;
    size_t vlen = len - klen - 1;
    while (vlen && (*v == ' ' || *v == '\t')) {
        v++;
        vlen--;
    }
    while (vlen && (v[vlen - 1] == '\r' || v[vlen - 1] == '\n' || v[vlen - 1] == ' '))
        vlen--;
    if (klen == 11 && strncasecmp(p, "Retry-After", 11) == 0)
        r->retry_after_s = header_num(v, vlen);
    else if (klen == 23 && strncasecmp(p, "X-RateLimit-Reset-After", 23) == 0)
        r->rl_reset_after_s = header_num(v, vlen);
    else if (klen == 21 && strncasecmp(p, "X-RateLimit-Remaining", 21) == 0)
        r->rl_remaining = (long)header_num(v, vlen);
    return len;
}

static int on_progress(void *payload, curl_off_t a, curl_off_t b, curl_off_t c, curl_off_t d)
{
    ctx *x = payload;
    if ((x->abort1 && atomic_load(x->abort1)) || (x->abort2 && atomic_load(x->abort2))) {
        x->out->aborted = true;
        return 1;
    }
    return 0;
}

void cmdop__bot_http_clear(bot_http_resp *r)
{
    if (r) {
        json_decref(r->body);
        r->body = NULL;
    }
}

int cmdop__bot_http(const cmdop__net *net, const char *method, const char *url,
                    const char *const *headers, const json_t *body, long timeout_ms,
                    atomic_int *abort_flag, atomic_int *abort_flag2, bot_http_resp *out)
{
    memset(out, 0, sizeof *out);
    out->retry_after_s = -1;
    out->rl_reset_after_s = -1;
    out->rl_remaining = -1;
    ctx x = {.out = out, .abort1 = abort_flag, .abort2 = abort_flag2};
    if ((abort_flag && atomic_load(abort_flag)) || (abort_flag2 && atomic_load(abort_flag2))) {
        out->aborted = true;
        snprintf(out->err, sizeof out->err, "aborted");
        return -1;
    }
    CURL *e = curl_easy_init();
    if (!e) {
        snprintf(out->err, sizeof out->err, "curl_easy_init failed");
        return -1;
    }
    char *payload = body ? json_dumps(body, JSON_COMPACT) : NULL;
    struct curl_slist *sl = NULL;
    for (size_t i = 0; headers && headers[i]; i++)
        sl = curl_slist_append(sl, headers[i]);
    if (payload)
        sl = curl_slist_append(sl, "Content-Type: application/json; charset=utf-8");
    sl = curl_slist_append(sl, "Expect:");
    char errbuf[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(e, CURLOPT_URL, url);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, sl);
    curl_easy_setopt(e, CURLOPT_USERAGENT, "DiscordBot (https://cmdop.com, 1) cmdop-core");
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &x.body);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, out);
    curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(e, CURLOPT_XFERINFODATA, &x);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, 15000L);
    if (timeout_ms > 0)
        curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, timeout_ms);
    cmdop__easy_secure(net, e);
    const char *proxy = NULL;
    if (net)
        proxy = strncasecmp(url, "https://", 8) == 0 ? net->https_proxy : net->http_proxy;
    curl_easy_setopt(e, CURLOPT_PROXY, proxy ? proxy : "");
    if (strcmp(method, "GET") == 0) {
        curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
    } else {
        if (strcmp(method, "POST") != 0)
            curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
        if (payload || strcmp(method, "POST") == 0) {
            curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
                             (curl_off_t)(payload ? strlen(payload) : 0));
            curl_easy_setopt(e, CURLOPT_POSTFIELDS, payload ? payload : "");
        }
    }
    CURLcode rc = curl_easy_perform(e);
    if (rc == CURLE_OK) {
        curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &out->status);
        if (x.body.len)
            out->body = json_loadb(x.body.data, x.body.len, 0, NULL);
    } else {
        /* curl's message names the host at most, never the path (which
         * holds Telegram's token). */
        snprintf(out->err, sizeof out->err, "%.150s",
                 out->aborted ? "aborted" : (errbuf[0] ? errbuf : curl_easy_strerror(rc)));
        if (x.body.over)
            snprintf(out->err, sizeof out->err, "answer over the size cap");
    }
    curl_slist_free_all(sl);
    curl_easy_cleanup(e);
    free(payload);
    free(x.body.data);
    return rc == CURLE_OK ? 0 : -1;
}
