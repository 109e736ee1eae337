"""Cultural knowledge: BLEnD (everyday life in 16 countries and regions, 13 languages) and its scoring."""
