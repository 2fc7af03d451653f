# The local relay: $(BUILD)/librelay.a from relay/*.c plus the default seed
# (relay/seed/*.json) embedded as a generated C file that is never committed.
RELAY_SRCS := $(sort $(wildcard relay/*.c))
RELAY_SEEDS := $(sort $(wildcard relay/seed/*.json))
RELAY_HDRS := $(wildcard relay/*.h)
RELAY_OBJS := $(patsubst relay/%.c,$(BUILD)/relay/%.o,$(RELAY_SRCS)) \
              $(BUILD)/relay/seed_data.o

$(BUILD)/relay/%.o: relay/%.c $(RELAY_HDRS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) $(PKG_CFLAGS) -Irelay -c -o $@ $<

$(BUILD)/relay/seed_data.c: $(RELAY_SEEDS) relay/seed-embed.sh
	@mkdir -p $(@D)
	relay/seed-embed.sh $(RELAY_SEEDS) > $@.tmp && mv $@.tmp $@

$(BUILD)/relay/seed_data.o: $(BUILD)/relay/seed_data.c
	$(CC) $(CFLAGS_ALL) -c -o $@ $<

$(BUILD)/librelay.a: $(RELAY_OBJS)
	@rm -f $@
	ar rcs $@ $(RELAY_OBJS)
