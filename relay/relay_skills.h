/*
 * relay_skills.h — internals of the skills module (platform plane), split
 * over relay_skills.c (routes, seed, reads), relay_skills_view.c (records
 * as they go on the wire) and relay_skills_write.c (create, update, delete,
 * install, star, publish).
 *
 * State (db keys owned here):
 *   skills            stored skills: the SkillDetail scalars plus
 *                     category (category id), tags (tag ids), packages
 *                     {pip, npm}, run_check, is_starred (the one platform
 *                     user's star), translations {lang: {name,
 *                     short_description, description}}, publish_state and
 *                     publish_error
 *   skill_categories  SkillCategory records without skill_count (computed)
 *   skill_tags        SkillTag records
 *   skill_versions    SkillVersion records, oldest first
 *   skill_reviews     SkillReview records plus skill (the skill id)
 * The X-Api-Key user is platform user SKILLS_ME; a skill is "own" when its
 * author is that user.
 */
#ifndef RELAY_SKILLS_H
#define RELAY_SKILLS_H

#include "relay.h"

#define SKILLS_ME 1
#define SKILLS_ME_NAME "owner"

/* Lookups: the skill `slug` if the caller may see it (public or unlisted
 * and published, or own), else NULL after a 404 in out. Borrowed. */
json_t *skills_visible(relay *r, const char *slug, relay_resp *out);
/* As skills_visible, and then 403 permission when it is not own. */
json_t *skills_own(relay *r, const char *slug, relay_resp *out);
bool skills_is_own(json_t *s);
/* Listed in the public marketplace: public and published. */
bool skills_is_listed(json_t *s);

/* Overlays the stored translation for `lang` onto the name and description
 * keys that `view` already has (no-op for NULL or an unknown lang). */
void skills_translate(json_t *view, json_t *s, const char *lang);
/* Views: new references, built field by field from the stored records. */
json_t *skills_summary(relay *r, json_t *s, const char *lang);
json_t *skills_detail(relay *r, json_t *s, const char *lang);
json_t *skills_category_view(relay *r, json_t *c);
json_t *skills_review_view(json_t *rev);
/* The newest version of skill s (borrowed) or NULL. */
json_t *skills_latest_version(relay *r, json_t *s);

/* Write handlers (relay_skills_write.c). */
void skills_create(relay *r, const relay_req *q, relay_resp *out);
void skills_update(relay *r, const relay_req *q, relay_resp *out);
void skills_delete(relay *r, const relay_req *q, relay_resp *out);
void skills_install(relay *r, const relay_req *q, relay_resp *out);
void skills_star(relay *r, const relay_req *q, relay_resp *out);
void skills_publish(relay *r, const relay_req *q, relay_resp *out);
void skills_publish_status(relay *r, const relay_req *q, relay_resp *out);

#endif /* RELAY_SKILLS_H */
