# C examples, built against the public headers and the static library only.
$(BUILD)/examples/%: examples/c/%.c $(BUILD)/libcmdop.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) $(INC_PUBLIC) -o $@ $< $(BUILD)/libcmdop.a $(PKG_LIBS) $(LDFLAGS_SAN) -lm
