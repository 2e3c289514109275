"""Versioned migrations of the library schema.

Each migration has a unique name and is applied once, in list order, inside one transaction; the
``migrations`` table records which ran. Append new migrations at the end, never edit a released one
(except to write it in SQL an older SQLite reads, giving the same rows: store/sqlite_support.py).
"""

from __future__ import annotations

MIGRATIONS: list[tuple[str, str]] = [
    (
        "0001_papers",
        """
        CREATE TABLE papers (
            id INTEGER PRIMARY KEY,
            title TEXT NOT NULL,
            abstract TEXT NOT NULL DEFAULT '',
            abstract_truncated INTEGER NOT NULL DEFAULT 0,
            authors TEXT NOT NULL DEFAULT '',       -- display string, '; '-joined (also in paper_authors)
            year INTEGER,
            published TEXT,                          -- ISO date of first appearance (arXiv v1 date)
            updated TEXT,
            arxiv_id TEXT,                           -- bare id, no version: 2501.01234, hep-th/9901001
            arxiv_version INTEGER,                   -- highest version seen
            doi TEXT,                                -- lower case, no resolver prefix
            primary_category TEXT,
            categories TEXT NOT NULL DEFAULT '',     -- space-separated, primary first
            venue TEXT,
            url TEXT,
            norm_title TEXT NOT NULL,
            added_at TEXT NOT NULL
        );
        CREATE UNIQUE INDEX papers_arxiv_id ON papers(arxiv_id) WHERE arxiv_id IS NOT NULL;
        CREATE UNIQUE INDEX papers_doi ON papers(doi) WHERE doi IS NOT NULL;
        CREATE INDEX papers_norm_title ON papers(norm_title);
        CREATE INDEX papers_published ON papers(published);
        CREATE INDEX papers_primary_category ON papers(primary_category);

        CREATE TABLE authors (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
        CREATE TABLE paper_authors (
            paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            author_id INTEGER NOT NULL REFERENCES authors(id),
            PRIMARY KEY (paper_id, position)
        );
        CREATE INDEX paper_authors_author ON paper_authors(author_id);

        CREATE TABLE paper_categories (
            paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
            category TEXT NOT NULL,
            position INTEGER NOT NULL,
            PRIMARY KEY (paper_id, category)
        );
        CREATE INDEX paper_categories_category ON paper_categories(category);

        CREATE TABLE paper_versions (                -- every arXiv version seen: v1 date, v2 date ...
            paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
            version INTEGER NOT NULL,
            date TEXT,
            PRIMARY KEY (paper_id, version)
        );

        CREATE TABLE imports (                       -- one row per import or collect: the log
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,                      -- 'import' | 'collect'
            source TEXT NOT NULL,                    -- 'arxiv-snapshot', 'bibtex', 'arxiv', 'scholar' ...
            target TEXT NOT NULL,                    -- file path or query
            started_at TEXT NOT NULL,
            finished_at TEXT,
            status TEXT NOT NULL DEFAULT 'running',  -- running | done | failed | cancelled | interrupted
            read INTEGER NOT NULL DEFAULT 0,
            added INTEGER NOT NULL DEFAULT 0,
            merged INTEGER NOT NULL DEFAULT 0,
            unchanged INTEGER NOT NULL DEFAULT 0,
            errors TEXT NOT NULL DEFAULT '[]',       -- JSON list of "file:line: message"
            message TEXT
        );

        CREATE TABLE source_records (                -- which source said what, kept on every merge
            id INTEGER PRIMARY KEY,
            paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
            source TEXT NOT NULL,
            source_key TEXT NOT NULL,
            import_id INTEGER REFERENCES imports(id),
            seen_at TEXT NOT NULL,
            data TEXT NOT NULL,                      -- the source's record, JSON
            UNIQUE (source, source_key)
        );
        CREATE INDEX source_records_paper ON source_records(paper_id);

        CREATE VIRTUAL TABLE papers_fts USING fts5(
            title, abstract, authors,
            content='papers', content_rowid='id',
            tokenize='porter unicode61 remove_diacritics 2'
        );
        CREATE TRIGGER papers_fts_ai AFTER INSERT ON papers BEGIN
            INSERT INTO papers_fts(rowid, title, abstract, authors)
            VALUES (new.id, new.title, new.abstract, new.authors);
        END;
        CREATE TRIGGER papers_fts_ad AFTER DELETE ON papers BEGIN
            INSERT INTO papers_fts(papers_fts, rowid, title, abstract, authors)
            VALUES ('delete', old.id, old.title, old.abstract, old.authors);
        END;
        CREATE TRIGGER papers_fts_au AFTER UPDATE OF title, abstract, authors ON papers BEGIN
            INSERT INTO papers_fts(papers_fts, rowid, title, abstract, authors)
            VALUES ('delete', old.id, old.title, old.abstract, old.authors);
            INSERT INTO papers_fts(rowid, title, abstract, authors)
            VALUES (new.id, new.title, new.abstract, new.authors);
        END;
        """,
    ),
    (
        "0002_organize",
        """
        CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, color TEXT);
        CREATE TABLE paper_tags (
            paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
            tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
            added_at TEXT NOT NULL,
            PRIMARY KEY (paper_id, tag_id)
        );
        CREATE INDEX paper_tags_tag ON paper_tags(tag_id);

        CREATE TABLE collections (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            description TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL
        );
        CREATE TABLE collection_papers (
            collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
            paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
            added_at TEXT NOT NULL,
            PRIMARY KEY (collection_id, paper_id)
        );
        CREATE INDEX collection_papers_paper ON collection_papers(paper_id);

        CREATE TABLE saved_searches (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, query TEXT NOT NULL);

        -- Triage decisions are an append-only log: the current decision of a paper in a collection
        -- is its latest row that was not undone. Each decision is committed on its own.
        CREATE TABLE decisions (
            id INTEGER PRIMARY KEY,
            paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
            collection_id INTEGER REFERENCES collections(id) ON DELETE CASCADE,  -- NULL: whole library
            decision TEXT NOT NULL CHECK (decision IN ('include', 'exclude', 'maybe', 'postpone')),
            reason TEXT,
            origin TEXT NOT NULL DEFAULT 'user',     -- user | seed | import
            decided_at TEXT NOT NULL,
            undone_at TEXT
        );
        CREATE INDEX decisions_paper ON decisions(paper_id, collection_id);

        CREATE TABLE exclusion_reasons (name TEXT PRIMARY KEY, position INTEGER NOT NULL);
        INSERT INTO exclusion_reasons (name, position) VALUES
            ('wrong population', 1), ('wrong intervention / method', 2), ('wrong outcome', 3),
            ('wrong study design', 4), ('not peer reviewed / preprint only', 5), ('duplicate', 6),
            ('off topic', 7);

        CREATE TABLE notes (
            id INTEGER PRIMARY KEY,
            paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
            body TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX notes_paper ON notes(paper_id);

        CREATE TABLE highlights (
            id INTEGER PRIMARY KEY,
            paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
            start INTEGER NOT NULL,                  -- character offsets into the abstract
            end INTEGER NOT NULL,
            color TEXT NOT NULL DEFAULT 'yellow',
            comment TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL
        );
        CREATE INDEX highlights_paper ON highlights(paper_id);

        CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);  -- JSON values
        """,
    ),
    (
        "0003_annotations",
        """
        -- A user's correction of a sentence's facet label, keyed by the sentence's character span in the
        -- abstract so that it survives re-splitting. The facet pipeline and the maps use it over the
        -- classifier's label.
        CREATE TABLE facet_corrections (
            paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
            start INTEGER NOT NULL,
            end INTEGER NOT NULL,
            label TEXT NOT NULL CHECK (label IN ('background', 'objective', 'method', 'result', 'limitation', 'other')),
            corrected_at TEXT NOT NULL,
            PRIMARY KEY (paper_id, start, end)
        );
        """,
    ),
    (
        "0300_collect",
        """
        -- Where an interrupted collect stands, so that the next run continues from there instead of
        -- fetching again; and, for "new in these categories", the last submission date seen.
        CREATE TABLE collect_cursors (
            key TEXT PRIMARY KEY,                    -- source + query + options, hashed
            source TEXT NOT NULL,                    -- 'arxiv' | 'scholar'
            query TEXT NOT NULL,
            state TEXT NOT NULL,                     -- JSON: window, next start, done, last_submitted ...
            updated_at TEXT NOT NULL
        );
        """,
    ),
    (
        "0500_maps_gaps",
        """
        -- A map: one clustering of one facet over a scope, with everything needed to rebuild it.
        CREATE TABLE maps (
            id INTEGER PRIMARY KEY,
            facet TEXT NOT NULL,                     -- topic | method | result | limitation
            scope TEXT NOT NULL DEFAULT '{}',        -- JSON: library / collection / query / before / paper_ids
            params TEXT NOT NULL DEFAULT '{}',       -- JSON: k, k_auto, seed, model, niter, stability_seeds ...
            model TEXT,
            n_papers INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL
        );
        CREATE INDEX maps_facet ON maps(facet, id);
        CREATE TABLE clusters (
            map_id INTEGER NOT NULL REFERENCES maps(id) ON DELETE CASCADE,
            cluster INTEGER NOT NULL,
            label TEXT NOT NULL,
            keywords TEXT NOT NULL DEFAULT '[]',     -- JSON list, best first (c-TF-IDF)
            representative TEXT NOT NULL DEFAULT '',
            representative_paper INTEGER,
            size INTEGER NOT NULL,
            stability REAL,                          -- mean matched Jaccard over other seeds, 0..1
            sizes_by_year TEXT NOT NULL DEFAULT '{}',
            sizes_by_month TEXT NOT NULL DEFAULT '{}',
            x REAL, y REAL,
            centroid BLOB,                           -- float32, unit length
            PRIMARY KEY (map_id, cluster)
        );
        CREATE TABLE map_assignments (
            map_id INTEGER NOT NULL REFERENCES maps(id) ON DELETE CASCADE,
            paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
            cluster INTEGER NOT NULL,
            sim REAL,
            x REAL, y REAL,
            PRIMARY KEY (map_id, paper_id)
        );
        CREATE INDEX map_assignments_cluster ON map_assignments(map_id, cluster);
        CREATE TABLE gaps (
            id INTEGER PRIMARY KEY,
            batch INTEGER NOT NULL,                  -- one find_gaps run; list_gaps shows the latest
            type TEXT NOT NULL CHECK (type IN ('method_x_problem', 'unaddressed_limitation', 'thin_growing')),
            score REAL NOT NULL,
            statement TEXT NOT NULL,
            method_map INTEGER, method_cluster INTEGER,
            problem_map INTEGER, problem_cluster INTEGER,
            details TEXT NOT NULL DEFAULT '{}',      -- JSON: the numbers behind the score, parameters
            created_at TEXT NOT NULL
        );
        CREATE INDEX gaps_batch ON gaps(batch, score);
        CREATE TABLE gap_evidence (
            gap_id INTEGER NOT NULL REFERENCES gaps(id) ON DELETE CASCADE,
            paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            role TEXT NOT NULL DEFAULT '',           -- method | problem | limitation | region | neighbour
            PRIMARY KEY (gap_id, paper_id)
        );
        """,
    ),
    (
        "0700_runs",
        """
        -- Experiment runs (gapscope run): one row per run folder; gap_id has no foreign key because
        -- gaps may be rebuilt (the maps area owns that table), the papers link does.
        CREATE TABLE runs (
            id TEXT PRIMARY KEY,                     -- the run folder's name: 20261125-183001-digits-mlp-ab12
            name TEXT NOT NULL,
            spec_path TEXT,
            spec TEXT NOT NULL,                      -- the spec as run (TOML)
            folder TEXT NOT NULL,
            status TEXT NOT NULL,                    -- running | done | cancelled | diverged | failed
            gap_id INTEGER,
            metrics TEXT NOT NULL DEFAULT '{}',      -- JSON {metric: mean over folds}
            message TEXT,
            created_at TEXT NOT NULL,
            finished_at TEXT
        );
        CREATE INDEX runs_gap ON runs(gap_id);
        CREATE TABLE run_papers (
            run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
            PRIMARY KEY (run_id, paper_id)
        );
        CREATE INDEX run_papers_paper ON run_papers(paper_id);
        """,
    ),
    (
        "0400_embeddings_facets",
        """
        -- Vectors, stored once per (model, hash of the embedded text): nothing is embedded twice.
        CREATE TABLE embeddings (
            model TEXT NOT NULL,
            text_hash TEXT NOT NULL,                 -- sha256 of the text, first 32 hex digits
            dim INTEGER NOT NULL,
            dtype TEXT NOT NULL,                     -- 'float16' | 'float32'
            vector BLOB NOT NULL,
            PRIMARY KEY (model, text_hash)
        ) WITHOUT ROWID;
        -- Which text of a paper (its abstract, its method / result / limitation sentences) has which hash.
        CREATE TABLE paper_texts (
            paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,                      -- abstract | method | result | limitation
            model TEXT NOT NULL,
            text_hash TEXT NOT NULL,
            PRIMARY KEY (kind, model, paper_id)
        ) WITHOUT ROWID;
        -- The classifier's sentences of each abstract (offsets into papers.abstract).
        CREATE TABLE sentences (
            paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
            idx INTEGER NOT NULL,
            start INTEGER NOT NULL,
            end INTEGER NOT NULL,
            text TEXT NOT NULL,
            label TEXT NOT NULL,
            confidence REAL NOT NULL,
            PRIMARY KEY (paper_id, idx)
        );
        -- Which facet model classified a paper, and the abstract it saw (a changed abstract is redone).
        CREATE TABLE paper_facets (
            paper_id INTEGER PRIMARY KEY REFERENCES papers(id) ON DELETE CASCADE,
            facet_model TEXT NOT NULL,
            abstract_hash TEXT NOT NULL,
            classified_at TEXT NOT NULL
        );
        """,
    ),
    (
        "0800_sort_indexes",
        """
        -- The paper table sorts by title and authors case-insensitively (75k rows: 1.1 s -> a walk of the index).
        CREATE INDEX papers_title_nocase ON papers(title COLLATE NOCASE);
        CREATE INDEX papers_authors_nocase ON papers(authors COLLATE NOCASE);
        """,
    ),
    (
        "0900_import_fts_per_batch",
        """
        -- A bulk import indexes its new papers in one INSERT ... SELECT at the end of each batch
        -- (same transaction) instead of row by row through the trigger: FTS5 fed one row per
        -- trigger call cost about 2.5x the CPU. While an import holds a row here, papers with
        -- id >= first_id (the ones its open batch added) are left to that statement, so the triggers
        -- skip them, updates too (their final text is indexed once). The row is written and deleted
        -- inside the batch's transaction: a committed library never holds one.
        CREATE TABLE fts_deferred (first_id INTEGER NOT NULL);
        DROP TRIGGER papers_fts_ai;
        DROP TRIGGER papers_fts_ad;
        DROP TRIGGER papers_fts_au;
        CREATE TRIGGER papers_fts_ai AFTER INSERT ON papers
        WHEN NOT EXISTS (SELECT 1 FROM fts_deferred WHERE new.id >= first_id) BEGIN
            INSERT INTO papers_fts(rowid, title, abstract, authors)
            VALUES (new.id, new.title, new.abstract, new.authors);
        END;
        CREATE TRIGGER papers_fts_ad AFTER DELETE ON papers
        WHEN NOT EXISTS (SELECT 1 FROM fts_deferred WHERE old.id >= first_id) BEGIN
            INSERT INTO papers_fts(papers_fts, rowid, title, abstract, authors)
            VALUES ('delete', old.id, old.title, old.abstract, old.authors);
        END;
        CREATE TRIGGER papers_fts_au AFTER UPDATE OF title, abstract, authors ON papers
        WHEN NOT EXISTS (SELECT 1 FROM fts_deferred WHERE old.id >= first_id) BEGIN
            INSERT INTO papers_fts(papers_fts, rowid, title, abstract, authors)
            VALUES ('delete', old.id, old.title, old.abstract, old.authors);
            INSERT INTO papers_fts(rowid, title, abstract, authors)
            VALUES (new.id, new.title, new.abstract, new.authors);
        END;
        """,
    ),
    (
        "0110_inputs_imports",
        """
        -- An import keeps its first 1,000 bad records and counts them all (a garbage file used to
        -- rewrite its whole error list every batch); repeated keys it reported, and the merges it made.
        ALTER TABLE imports ADD COLUMN error_count INTEGER NOT NULL DEFAULT 0;
        UPDATE imports SET error_count = json_array_length(errors);
        ALTER TABLE imports ADD COLUMN warnings TEXT NOT NULL DEFAULT '[]';
        ALTER TABLE imports ADD COLUMN merges TEXT NOT NULL DEFAULT '[]';
        -- The process that runs an import: a later one tells a killed import ('interrupted') from a live one.
        ALTER TABLE imports ADD COLUMN pid INTEGER;
        ALTER TABLE imports ADD COLUMN host TEXT;
        UPDATE imports SET status = 'interrupted', finished_at = COALESCE(finished_at, started_at),
            message = 'stopped without finishing (found by an upgrade)' WHERE status = 'running';
        -- File records were keyed by the file's base name, so refs.bib in two folders was one source:
        -- key them by the file's resolved path (the import's target), as the readers now do.
        UPDATE OR IGNORE source_records
            SET source_key = (SELECT i.target FROM imports i WHERE i.id = source_records.import_id)
                             || substr(source_key, instr(source_key, '#'))
            WHERE source IN ('bibtex', 'ris', 'csv') AND instr(source_key, '#') > 1
              AND EXISTS (SELECT 1 FROM imports i WHERE i.id = source_records.import_id AND i.kind = 'import'
                          AND substr(i.target, -(instr(source_records.source_key, '#') - 1))
                              = substr(source_records.source_key, 1, instr(source_records.source_key, '#') - 1));
        """,
    ),
    (
        "1000_store_analysis_inputs",
        """
        -- What each analysis step (a map per facet, the gaps) was last built from: a fingerprint of
        -- its inputs and what it made (map id, gap batch), so `gapscope analyze` runs only what is missing.
        CREATE TABLE analysis_inputs (
            step TEXT PRIMARY KEY,
            fingerprint TEXT NOT NULL,
            result_id INTEGER,
            recorded_at TEXT NOT NULL
        );
        """,
    ),
    (
        "0500_facets_shortcomings",
        """
        -- Facets v2: every sentence has a role (label: background / objective / method / result / other) and a
        -- shortcoming type (none / prior / open / own), each with the classifier's confidence. The old
        -- 'limitation' label becomes role 'other' + shortcoming 'own' (the paper is classified again anyway:
        -- its facet model id differs).
        ALTER TABLE sentences ADD COLUMN shortcoming TEXT NOT NULL DEFAULT 'none';
        ALTER TABLE sentences ADD COLUMN shortcoming_confidence REAL NOT NULL DEFAULT 0;
        UPDATE sentences SET shortcoming = 'own', shortcoming_confidence = confidence, label = 'other'
            WHERE label = 'limitation';
        CREATE INDEX sentences_shortcoming ON sentences(shortcoming, paper_id);
        -- A user's correction sets the role, the shortcoming or both (NULL: not corrected, the classifier's
        -- label stands); it always wins over the classifier.
        CREATE TABLE facet_corrections_v2 (
            paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
            start INTEGER NOT NULL,
            end INTEGER NOT NULL,
            label TEXT CHECK (label IN ('background', 'objective', 'method', 'result', 'other')),
            shortcoming TEXT CHECK (shortcoming IN ('none', 'prior', 'open', 'own')),
            corrected_at TEXT NOT NULL,
            CHECK (label IS NOT NULL OR shortcoming IS NOT NULL),
            PRIMARY KEY (paper_id, start, end)
        );
        INSERT INTO facet_corrections_v2 (paper_id, start, end, label, shortcoming, corrected_at)
            SELECT paper_id, start, end, CASE WHEN label = 'limitation' THEN NULL ELSE label END,
                   CASE WHEN label = 'limitation' THEN 'own' ELSE NULL END, corrected_at FROM facet_corrections;
        DROP TABLE facet_corrections;
        ALTER TABLE facet_corrections_v2 RENAME TO facet_corrections;
        -- The limitation facet becomes the shortcoming facet: its texts are re-derived, and the gap type
        -- 'unaddressed_limitation' becomes 'unaddressed_shortcoming' (gaps and their evidence are rebuilt
        -- with the new CHECK; runs.gap_id has no foreign key, ids are kept).
        DELETE FROM paper_texts WHERE kind = 'limitation';
        CREATE TABLE gaps_keep AS SELECT * FROM gaps;
        CREATE TABLE gap_evidence_keep AS SELECT * FROM gap_evidence;
        DROP TABLE gap_evidence;
        DROP TABLE gaps;
        CREATE TABLE gaps (
            id INTEGER PRIMARY KEY,
            batch INTEGER NOT NULL,                  -- one find_gaps run; list_gaps shows the latest
            type TEXT NOT NULL CHECK (type IN ('method_x_problem', 'unaddressed_shortcoming', 'thin_growing')),
            score REAL NOT NULL,
            statement TEXT NOT NULL,
            method_map INTEGER, method_cluster INTEGER,
            problem_map INTEGER, problem_cluster INTEGER,
            details TEXT NOT NULL DEFAULT '{}',      -- JSON: the numbers behind the score, parameters
            created_at TEXT NOT NULL
        );
        CREATE INDEX gaps_batch ON gaps(batch, score);
        CREATE TABLE gap_evidence (
            gap_id INTEGER NOT NULL REFERENCES gaps(id) ON DELETE CASCADE,
            paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            role TEXT NOT NULL DEFAULT '',           -- method | problem | shortcoming | region | neighbour
            PRIMARY KEY (gap_id, paper_id)
        );
        INSERT INTO gaps SELECT id, batch, CASE WHEN type = 'unaddressed_limitation' THEN 'unaddressed_shortcoming'
            ELSE type END, score, statement, method_map, method_cluster, problem_map, problem_cluster, details,
            created_at FROM gaps_keep;
        INSERT INTO gap_evidence SELECT gap_id, paper_id, position,
            CASE WHEN role = 'limitation' THEN 'shortcoming' ELSE role END FROM gap_evidence_keep;
        DROP TABLE gap_evidence_keep;
        DROP TABLE gaps_keep;
        """,
    ),
    (
        "0200_screening",
        """
        -- Who made each decision (blind dual screening); '' is the single reviewer of a one-person review.
        -- A conflict between reviewers is settled by a decision with origin 'resolution'.
        ALTER TABLE decisions ADD COLUMN reviewer TEXT NOT NULL DEFAULT '';
        CREATE INDEX decisions_scope ON decisions(collection_id, reviewer, id);
        """,
    ),
    (
        "0300_citations",
        """
        -- The citation graph. A work is a library paper (paper_id set) or an outside work known only
        -- from a reference or a citation (a lightweight node: ids, title, year). Each id is unique,
        -- so the same work reported by OpenAlex and by Semantic Scholar is one row.
        CREATE TABLE works (
            id INTEGER PRIMARY KEY,
            paper_id INTEGER UNIQUE REFERENCES papers(id) ON DELETE SET NULL,
            doi TEXT,                                -- lower case, no resolver prefix
            arxiv_id TEXT,                           -- bare, no version
            s2_id TEXT,                              -- Semantic Scholar paperId (40 hex)
            openalex_id TEXT,                        -- W123...
            corpus_id INTEGER,
            title TEXT,
            year INTEGER,
            venue TEXT,
            citation_count INTEGER,                  -- the larger of the sources' counts
            oa_pdf_url TEXT,
            updated_at TEXT NOT NULL
        );
        CREATE UNIQUE INDEX works_doi ON works(doi) WHERE doi IS NOT NULL;
        CREATE UNIQUE INDEX works_arxiv ON works(arxiv_id) WHERE arxiv_id IS NOT NULL;
        CREATE UNIQUE INDEX works_s2 ON works(s2_id) WHERE s2_id IS NOT NULL;
        CREATE UNIQUE INDEX works_openalex ON works(openalex_id) WHERE openalex_id IS NOT NULL;
        -- citing cites cited; via: 1 = Semantic Scholar, 2 = OpenAlex (bits, both = 3)
        CREATE TABLE citations (
            citing INTEGER NOT NULL REFERENCES works(id) ON DELETE CASCADE,
            cited INTEGER NOT NULL REFERENCES works(id) ON DELETE CASCADE,
            via INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (citing, cited)
        ) WITHOUT ROWID;
        CREATE INDEX citations_cited ON citations(cited, citing);
        -- What enrichment did per paper, source and step (lookup | references | citations): a rerun
        -- skips the steps done, so a killed run continues where it stopped. raw: the lookup answer.
        CREATE TABLE enrich_steps (
            paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
            source TEXT NOT NULL,                    -- openalex | s2
            step TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('done', 'not_found', 'failed')),
            count INTEGER NOT NULL DEFAULT 0,
            message TEXT NOT NULL DEFAULT '',
            raw TEXT,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (paper_id, source, step)
        );
        """,
    ),
    (
        "0600_concepts",
        """
        -- concepts: canonical method / problem phrases merged by meaning; one batch per extraction run
        CREATE TABLE concept_runs (
            batch INTEGER PRIMARY KEY,
            created_at TEXT NOT NULL,
            params TEXT NOT NULL DEFAULT '{}',      -- JSON: extractor, model, thresholds
            fingerprint TEXT NOT NULL DEFAULT ''     -- the library state the concepts were read from
        );
        CREATE TABLE concepts (
            id INTEGER PRIMARY KEY,
            batch INTEGER NOT NULL REFERENCES concept_runs(batch) ON DELETE CASCADE,
            kind TEXT NOT NULL,                      -- method | problem
            phrase TEXT NOT NULL,                    -- canonical phrase (the most frequent surface form)
            synonyms TEXT NOT NULL DEFAULT '[]',     -- JSON list of the phrases merged into it
            n_papers INTEGER NOT NULL DEFAULT 0,
            vector BLOB                              -- float32 embedding of the canonical phrase
        );
        CREATE INDEX concepts_batch ON concepts(batch);
        CREATE TABLE concept_papers (
            concept_id INTEGER NOT NULL REFERENCES concepts(id) ON DELETE CASCADE,
            paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
            side TEXT NOT NULL,                      -- method | problem: which sentences named it
            score REAL NOT NULL DEFAULT 0,           -- the extractor's relevance to those sentences
            PRIMARY KEY (concept_id, paper_id, side)
        );
        CREATE INDEX concept_papers_paper ON concept_papers(paper_id);
        """,
    ),
    (
        "0700_fulltext",
        """
        -- PDFs attached to papers: the file is copied into the library's files/ folder under its
        -- content hash, so one file is stored (and attached) once.
        CREATE TABLE attachments (
            id INTEGER PRIMARY KEY,
            paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
            sha256 TEXT NOT NULL UNIQUE,
            stored_name TEXT NOT NULL,               -- path inside the storage folder: <sha256>.pdf
            original_name TEXT NOT NULL,             -- where it came from (path or URL)
            source TEXT NOT NULL,                    -- file | bibtex | drop | arxiv
            match_how TEXT,                          -- doi | arxiv | title | bibtex | new | paper
            match_score REAL,
            status TEXT NOT NULL,                    -- extracted | unreadable
            message TEXT,
            pages INTEGER,
            added_at TEXT NOT NULL
        );
        CREATE INDEX attachments_paper ON attachments(paper_id);
        CREATE TABLE fulltext_sections (
            attachment_id INTEGER NOT NULL REFERENCES attachments(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            name TEXT NOT NULL,                      -- as printed, without its number
            kind TEXT NOT NULL,                      -- introduction | method | results | discussion | limitations ...
            number TEXT NOT NULL DEFAULT '',
            level INTEGER NOT NULL DEFAULT 1,
            page INTEGER NOT NULL,                   -- 1-based
            PRIMARY KEY (attachment_id, position)
        );
        CREATE TABLE fulltext_sentences (
            id INTEGER PRIMARY KEY,
            attachment_id INTEGER NOT NULL REFERENCES attachments(id) ON DELETE CASCADE,
            paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
            section_pos INTEGER NOT NULL,
            page INTEGER NOT NULL,                   -- 1-based
            paragraph INTEGER NOT NULL,
            start INTEGER NOT NULL,                  -- offsets in the paragraph's text
            "end" INTEGER NOT NULL,
            text TEXT NOT NULL,
            role TEXT,                               -- facet role, NULL until classified
            shortcoming TEXT,                        -- the classifier's shortcoming type (or limitation/none)
            confidence REAL,
            facet_model TEXT
        );
        CREATE INDEX fulltext_sentences_paper ON fulltext_sentences(paper_id);
        CREATE INDEX fulltext_sentences_att ON fulltext_sentences(attachment_id, section_pos);
        CREATE VIRTUAL TABLE fulltext_fts USING fts5(text, content='fulltext_sentences', content_rowid='id');
        CREATE TRIGGER fulltext_fts_ai AFTER INSERT ON fulltext_sentences BEGIN
            INSERT INTO fulltext_fts(rowid, text) VALUES (new.id, new.text);
        END;
        CREATE TRIGGER fulltext_fts_ad AFTER DELETE ON fulltext_sentences BEGIN
            INSERT INTO fulltext_fts(fulltext_fts, rowid, text) VALUES ('delete', old.id, old.text);
        END;
        -- Highlights in a PDF: the sentence's text and its page, so they survive re-extraction.
        CREATE TABLE pdf_highlights (
            id INTEGER PRIMARY KEY,
            paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
            attachment_id INTEGER NOT NULL REFERENCES attachments(id) ON DELETE CASCADE,
            page INTEGER NOT NULL,                   -- 1-based
            text TEXT NOT NULL,
            rects TEXT NOT NULL DEFAULT '[]',        -- JSON [[x0, y0, x1, y1], ...] in PDF points
            color TEXT NOT NULL DEFAULT 'yellow',
            comment TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL
        );
        CREATE INDEX pdf_highlights_paper ON pdf_highlights(paper_id);
        """,
    ),
    (
        "1100_paper_pmid",
        """
        -- A paper's PubMed id: a PubMed record without a title carries nothing else, so a later record of
        -- the paper (with its title) can only be matched to it by this id. Not unique: a merge fills it only
        -- where no other paper holds it.
        ALTER TABLE papers ADD COLUMN pmid TEXT;
        CREATE INDEX papers_pmid ON papers(pmid) WHERE pmid IS NOT NULL;
        -- Records imported before: a PMID-only record's placeholder title names its PMID.
        UPDATE papers SET pmid = ltrim(substr(title, 17), '0')
            WHERE title LIKE '[untitled] PMID %' AND substr(title, 17) GLOB '[0-9]*'
            AND substr(title, 17) NOT GLOB '*[^0-9]*';
        """,
    ),
    (
        "1200_paper_text_stamp",
        """
        -- A stamp of the papers' texts: a fresh random value whenever a paper is added or deleted or its
        -- title or abstract changes, by any process (these triggers see every write, plain SQL too). What
        -- was built from the texts (triage's feature matrix) records it and, while it has not moved, needs
        -- no read of the texts to know it is current. Random, not a count: a library put back from a
        -- backup and edited again cannot come back to a stamp seen with other texts. One row; creating it
        -- reads no paper.
        CREATE TABLE paper_text_stamp (id INTEGER PRIMARY KEY CHECK (id = 1), stamp INTEGER NOT NULL);
        INSERT INTO paper_text_stamp (id, stamp) VALUES (1, random());
        CREATE TRIGGER papers_text_stamp_ai AFTER INSERT ON papers BEGIN
            UPDATE paper_text_stamp SET stamp = random();
        END;
        CREATE TRIGGER papers_text_stamp_ad AFTER DELETE ON papers BEGIN
            UPDATE paper_text_stamp SET stamp = random();
        END;
        CREATE TRIGGER papers_text_stamp_au AFTER UPDATE OF title, abstract ON papers
        WHEN old.title IS NOT new.title OR old.abstract IS NOT new.abstract BEGIN
            UPDATE paper_text_stamp SET stamp = random();
        END;
        """,
    ),
    (
        "1300_facet_correction_text",
        """
        -- The words a facet correction was made on, as the abstract held them at its span: a correction
        -- labels a sentence only while its words are at its place, and `gapscope check` names the ones
        -- whose words are gone (an abstract changed under it). Corrections made before: the words there now
        -- (substr counts characters, as the offsets do).
        ALTER TABLE facet_corrections ADD COLUMN text TEXT;
        UPDATE facet_corrections SET text = (
            SELECT substr(p.abstract, facet_corrections.start + 1, facet_corrections."end" - facet_corrections.start)
            FROM papers p WHERE p.id = facet_corrections.paper_id);
        """,
    ),
    (
        "1310_facet_correction_words_unknown",
        """
        -- A correction whose span begins or ends inside a word was not made on the words there now (a sentence
        -- never does): an import from before spans moved with their words put the full abstract in place of
        -- a snippet under it. 1300 kept those pieces of words as its text, and it labelled the sentence holding
        -- most of them. Its words are not known: an empty text, so that it labels nothing (as before 1300)
        -- and `gapscope check` names it.
        UPDATE facet_corrections SET text = '' WHERE text <> '' AND EXISTS (
            SELECT 1 FROM papers p WHERE p.id = facet_corrections.paper_id AND (
                (facet_corrections.start > 0
                 AND substr(p.abstract, facet_corrections.start, 1) GLOB '[A-Za-z0-9]'
                 AND substr(p.abstract, facet_corrections.start + 1, 1) GLOB '[A-Za-z0-9]')
                OR (facet_corrections."end" < length(p.abstract)
                 AND substr(p.abstract, facet_corrections."end", 1) GLOB '[A-Za-z0-9]'
                 AND substr(p.abstract, facet_corrections."end" + 1, 1) GLOB '[A-Za-z0-9]')));
        """,
    ),
    (
        "1400_paper_edits",
        """
        -- The user's own edits of a paper's title and abstract, each with the text it replaced, so that one made
        -- by mistake can be undone, after a restart too (`gapscope papers edit ID --undo`, Edit > Undo in the
        -- window). One row per edit (a title and an abstract saved together are one edit); an undo stamps
        -- undone_at and keeps the row. NULL old/new: that field was not edited ('' : no abstract). ``marks``
        -- (JSON): what the edit took off the old abstract and an undo puts back: the highlights and facet
        -- corrections on words the new one no longer held (kept in note ``note_id`` meanwhile) and whether
        -- the "check abstract" tag came off.
        CREATE TABLE paper_edits (
            id INTEGER PRIMARY KEY,
            paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
            old_title TEXT,
            new_title TEXT,
            old_abstract TEXT,
            new_abstract TEXT,
            old_abstract_truncated INTEGER NOT NULL DEFAULT 0,
            marks TEXT NOT NULL DEFAULT '{}',
            edited_at TEXT NOT NULL,
            undone_at TEXT
        );
        CREATE INDEX paper_edits_paper ON paper_edits(paper_id, id);
        """,
    ),
    (
        "1410_paper_biblio",
        """
        -- A paper's bibliographic fields beyond its venue (bibfields.py): its kind as a CSL type, volume,
        -- issue, page, publisher, ISBN, ISSN, as a JSON object ('' for none), so that the exports write what
        -- the imports read. Papers imported before: their first BibTeX, RIS or CSL-JSON record's fields.
        -- (Released as one UPDATE ... FROM, which SQLite reads only from 3.33 on: the same rows are put
        -- together in a temporary table first, so that an older SQLite upgrades the library as well.)
        ALTER TABLE papers ADD COLUMN biblio TEXT NOT NULL DEFAULT '';
        DROP TABLE IF EXISTS temp.biblio_1410;
        CREATE TEMP TABLE biblio_1410 (paper_id INTEGER PRIMARY KEY, b TEXT, first_record INTEGER);
        INSERT INTO temp.biblio_1410 (paper_id, b, first_record)
            SELECT paper_id, b, min(id) FROM (
                SELECT s.paper_id, s.id, json_patch('{}', CASE s.source
                    WHEN 'bibtex' THEN json_object(
                        'type', CASE lower(json_extract(s.data, '$.ENTRYTYPE'))
                            WHEN 'article' THEN 'article-journal' WHEN 'inproceedings' THEN 'paper-conference'
                            WHEN 'conference' THEN 'paper-conference' WHEN 'book' THEN 'book'
                            WHEN 'proceedings' THEN 'book' WHEN 'incollection' THEN 'chapter'
                            WHEN 'inbook' THEN 'chapter' WHEN 'phdthesis' THEN 'thesis'
                            WHEN 'mastersthesis' THEN 'thesis' WHEN 'techreport' THEN 'report'
                            WHEN 'unpublished' THEN 'manuscript' END,
                        'volume', json_extract(s.data, '$.volume'), 'issue', json_extract(s.data, '$.number'),
                        'page', replace(replace(json_extract(s.data, '$.pages'), '---', '-'), '--', '-'),
                        'publisher', json_extract(s.data, '$.publisher'), 'ISBN', json_extract(s.data, '$.isbn'),
                        'ISSN', json_extract(s.data, '$.issn'))
                    WHEN 'ris' THEN json_object(
                        'type', CASE json_extract(s.data, '$.TY[0]')
                            WHEN 'JOUR' THEN 'article-journal' WHEN 'CONF' THEN 'paper-conference'
                            WHEN 'CPAPER' THEN 'paper-conference' WHEN 'BOOK' THEN 'book' WHEN 'CHAP' THEN 'chapter'
                            WHEN 'THES' THEN 'thesis' WHEN 'RPRT' THEN 'report' WHEN 'UNPB' THEN 'manuscript' END,
                        'volume', json_extract(s.data, '$.VL[0]'), 'issue', json_extract(s.data, '$.IS[0]'),
                        'page', json_extract(s.data, '$.SP[0]')
                                || coalesce('-' || json_extract(s.data, '$.EP[0]'), ''),
                        'publisher', json_extract(s.data, '$.PB[0]'))
                    WHEN 'csljson' THEN json_object(
                        'type', CASE WHEN json_extract(s.data, '$.type') IN ('article-journal',
                            'paper-conference', 'book', 'chapter', 'thesis', 'report', 'manuscript')
                            THEN json_extract(s.data, '$.type') END,
                        'volume', json_extract(s.data, '$.volume'), 'issue', json_extract(s.data, '$.issue'),
                        'page', json_extract(s.data, '$.page'),
                        'publisher', CASE WHEN lower(json_extract(s.data, '$.publisher')) != 'arxiv'
                            THEN json_extract(s.data, '$.publisher') END,
                        'ISBN', json_extract(s.data, '$.ISBN'), 'ISSN', json_extract(s.data, '$.ISSN'))
                    END) AS b
                FROM source_records s WHERE s.source IN ('bibtex', 'ris', 'csljson') AND json_valid(s.data))
            WHERE b != '{}' GROUP BY paper_id;
        UPDATE papers SET biblio = (SELECT r.b FROM temp.biblio_1410 r WHERE r.paper_id = papers.id)
            WHERE id IN (SELECT paper_id FROM temp.biblio_1410);
        DROP TABLE temp.biblio_1410;
        """,
    ),
    (
        "1420_paper_biblio_bibtex_markup",
        r"""
        -- 1410 copied BibTeX fields as the file wrote them ("{IEEE} Press", "Taylor \& Francis", "{12}"), where an
        -- import reads the text (bibtex_biblio: latex_to_text): braces, escapes and ties read out of them here, so
        -- that an export does not write the markup back escaped. Only papers with a BibTeX source record.
        UPDATE papers SET biblio = (
            SELECT json_group_object(j.key, CASE WHEN j.type = 'text' THEN trim(
                replace(replace(replace(replace(replace(replace(replace(replace(j.value, '{', ''), '}', ''),
                    '\&', '&'), '\%', '%'), '\_', '_'), '\#', '#'), '\$', '$'), '~', ' ')) ELSE j.value END)
            FROM json_each(papers.biblio) AS j)
        WHERE biblio != '' AND json_valid(biblio)
          AND EXISTS (SELECT 1 FROM json_each(papers.biblio) AS j WHERE j.type = 'text'
                      AND (instr(j.value, '{') OR instr(j.value, '}') OR instr(j.value, '\') OR instr(j.value, '~')))
          AND EXISTS (SELECT 1 FROM source_records s WHERE s.paper_id = papers.id AND s.source = 'bibtex');
        """,
    ),
    (
        "1430_paper_edit_redo",
        """
        -- An undone edit can be redone (`gapscope papers edit ID --redo`, Edit > Redo) until a new edit of the
        -- paper closes that path, as in any editor: redo_dropped_at stamps when it did (NULL: redoable while
        -- undone). Edits undone before this are closed to redo: their undo recorded no marks of its own (the
        -- marks field still holds what the edit took off the old text, which a redo would put on the new one).
        ALTER TABLE paper_edits ADD COLUMN redo_dropped_at TEXT;
        UPDATE paper_edits SET redo_dropped_at = undone_at WHERE undone_at IS NOT NULL;
        """,
    ),
    (
        "1500_annotation_search",
        """
        -- The user's own words made searchable beside the papers' texts: notes and the comments of highlights
        -- (on an abstract and in a PDF). One index that keeps its own copy of the text (a few thousand short
        -- texts), its rowid naming the row: 3 * id + 0 for a note, + 1 for an abstract highlight, + 2 for a
        -- PDF highlight (store/annotation_search.py reads it back), so that a trigger deletes by rowid.
        -- Notes are written one user action at a time: triggers keep it in step, as papers_fts outside an
        -- import. The same tokenizer as papers_fts, so a search finds the same word forms in both.
        CREATE VIRTUAL TABLE annotations_fts USING fts5(text, tokenize='porter unicode61 remove_diacritics 2');
        CREATE TRIGGER annotations_fts_note_ai AFTER INSERT ON notes BEGIN
            INSERT INTO annotations_fts(rowid, text) VALUES (3 * new.id, new.body);
        END;
        CREATE TRIGGER annotations_fts_note_ad AFTER DELETE ON notes BEGIN
            DELETE FROM annotations_fts WHERE rowid = 3 * old.id;
        END;
        CREATE TRIGGER annotations_fts_note_au AFTER UPDATE OF body ON notes BEGIN
            DELETE FROM annotations_fts WHERE rowid = 3 * old.id;
            INSERT INTO annotations_fts(rowid, text) VALUES (3 * new.id, new.body);
        END;
        CREATE TRIGGER annotations_fts_highlight_ai AFTER INSERT ON highlights WHEN new.comment != '' BEGIN
            INSERT INTO annotations_fts(rowid, text) VALUES (3 * new.id + 1, new.comment);
        END;
        CREATE TRIGGER annotations_fts_highlight_ad AFTER DELETE ON highlights BEGIN
            DELETE FROM annotations_fts WHERE rowid = 3 * old.id + 1;
        END;
        CREATE TRIGGER annotations_fts_highlight_au AFTER UPDATE OF comment ON highlights BEGIN
            DELETE FROM annotations_fts WHERE rowid = 3 * old.id + 1;
            INSERT INTO annotations_fts(rowid, text) SELECT 3 * new.id + 1, new.comment WHERE new.comment != '';
        END;
        CREATE TRIGGER annotations_fts_pdf_highlight_ai AFTER INSERT ON pdf_highlights WHEN new.comment != '' BEGIN
            INSERT INTO annotations_fts(rowid, text) VALUES (3 * new.id + 2, new.comment);
        END;
        CREATE TRIGGER annotations_fts_pdf_highlight_ad AFTER DELETE ON pdf_highlights BEGIN
            DELETE FROM annotations_fts WHERE rowid = 3 * old.id + 2;
        END;
        CREATE TRIGGER annotations_fts_pdf_highlight_au AFTER UPDATE OF comment ON pdf_highlights BEGIN
            DELETE FROM annotations_fts WHERE rowid = 3 * old.id + 2;
            INSERT INTO annotations_fts(rowid, text) SELECT 3 * new.id + 2, new.comment WHERE new.comment != '';
        END;
        -- What the library holds already.
        INSERT INTO annotations_fts(rowid, text) SELECT 3 * id, body FROM notes;
        INSERT INTO annotations_fts(rowid, text) SELECT 3 * id + 1, comment FROM highlights WHERE comment != '';
        INSERT INTO annotations_fts(rowid, text) SELECT 3 * id + 2, comment FROM pdf_highlights WHERE comment != '';
        """,
    ),
    (
        "1510_check_year_tag_name",
        """
        -- The app's tag for a year read from the PDF file's date is renamed without an apostrophe, which a
        -- tag list had to shell-quote (`'check: year from the file'"'"'s date'`). A paper that has both keeps one.
        INSERT OR IGNORE INTO paper_tags (paper_id, tag_id, added_at)
            SELECT pt.paper_id, n.id, pt.added_at FROM paper_tags pt
            JOIN tags o ON o.id = pt.tag_id AND o.name = 'check: year from the file''s date'
            JOIN tags n ON n.name = 'check: year from the PDF file date';
        DELETE FROM tags WHERE name = 'check: year from the file''s date'
            AND EXISTS (SELECT 1 FROM tags WHERE name = 'check: year from the PDF file date');
        UPDATE tags SET name = 'check: year from the PDF file date' WHERE name = 'check: year from the file''s date';
        """,
    ),
    (
        "1520_paper_title_sort",
        """
        -- The Title column's order: the title as shown (LaTeX rendered, case and accents folded), which SQL
        -- cannot compute; textfmt.title_sort_key writes it with every title, and fills it here for the
        -- papers already in the library (store/library.py FILL_AFTER).
        ALTER TABLE papers ADD COLUMN title_sort TEXT NOT NULL DEFAULT '';
        CREATE INDEX papers_title_sort ON papers(title_sort);
        """,
    ),
    (
        "1530_title_sort_stale",
        """
        -- A title written by another SQLite client (a raw UPDATE or INSERT) keeps a stale or empty sort key:
        -- these triggers, which any client runs, note the paper, and opening the library recomputes the
        -- keys of the papers noted (store/papers.py repair_title_sort). GapScope writes the key with the
        -- title; a title whose key stays the same (a change of case) is noted too, harmlessly. The keys
        -- of edits made before this migration are all recomputed once (store/library.py FILL_AFTER).
        CREATE TABLE title_sort_stale (paper_id INTEGER PRIMARY KEY);
        CREATE TRIGGER papers_title_sort_stale_au AFTER UPDATE OF title ON papers
            WHEN NEW.title IS NOT OLD.title AND NEW.title_sort IS OLD.title_sort
        BEGIN
            INSERT OR IGNORE INTO title_sort_stale (paper_id) VALUES (NEW.id);
        END;
        CREATE TRIGGER papers_title_sort_stale_ai AFTER INSERT ON papers
            WHEN NEW.title_sort = '' AND NEW.title <> ''
        BEGIN
            INSERT OR IGNORE INTO title_sort_stale (paper_id) VALUES (NEW.id);
        END;
        """,
    ),
]
