# The local relay: $(BUILD)/librelay.a from relay/*.c plus the default seed
# (relay/seed/*.json) embedded as a generated C file that is never committed.
RELAY_SRCS := $(sort $(wildcard relay/*.c))
RELAY_SEEDS := $(sort $(wildcard relay/seed/*.json))
RELAY_HDRS := $(wildcard relay/*.h)
# The portability layer (runtime/src/port*, docs/runtime.md "Windows") is the
# relay's too: its objects go in both archives, so the relay's own tests link
# librelay.a alone.
RELAY_PORT_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard runtime/src/port*.c))
RELAY_OBJS := $(patsubst relay/%.c,$(BUILD)/relay/%.o,$(RELAY_SRCS)) \
              $(BUILD)/relay/seed_data.o $(RELAY_PORT_OBJS)

$(BUILD)/relay/%.o: relay/%.c $(RELAY_HDRS) $(wildcard runtime/src/port*.h)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) $(PKG_CFLAGS) -Irelay -Iruntime/src -c -o $@ $<

$(BUILD)/relay/seed_data.c: $(RELAY_SEEDS) relay/seed-embed.sh
	@mkdir -p $(@D)
	relay/seed-embed.sh $(RELAY_SEEDS) > $@.tmp && mv $@.tmp $@

$(BUILD)/relay/seed_data.o: $(BUILD)/relay/seed_data.c
	$(CC) $(CFLAGS_ALL) -c -o $@ $<

$(BUILD)/librelay.a: $(RELAY_OBJS)
	@rm -f $@
	$(AR) rcs $@ $(RELAY_OBJS)
