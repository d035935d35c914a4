process.env.SB_TEST_DB = 'pglite';
